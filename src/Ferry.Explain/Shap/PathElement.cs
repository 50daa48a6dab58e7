namespace Ferry.Explain.Shap;

/// <summary>One feature on the unique path of path-dependent TreeSHAP (Lundberg, Erion &amp; Lee 2018, Algorithm 2).</summary>
internal struct PathElement
{
    /// <summary>The split feature (−1 for the root's placeholder).</summary>
    public int Feature;

    /// <summary>The fraction of "feature absent" paths (cover ratio) flowing through.</summary>
    public double Zero;

    /// <summary>The fraction of "feature present" paths flowing through (1 on the row's own path, 0 off it).</summary>
    public double One;

    /// <summary>The permutation weight of subsets of each size.</summary>
    public double Weight;
}
