namespace Ferry.Explain;

/// <summary>Names of the attribution methods, as written into <see cref="Explanation.Method"/>.</summary>
public static class ExplanationMethods
{
    /// <summary>TreeSHAP with the path-dependent (cover-weighted conditional expectation) value function.</summary>
    public const string TreePathDependent = "tree-path-dependent";

    /// <summary>TreeSHAP with the interventional value function over a background sample.</summary>
    public const string TreeInterventional = "tree-interventional";

    /// <summary>Exact SHAP for a linear model with independent features: w·(x − E[x]).</summary>
    public const string LinearExact = "linear-exact";

    /// <summary>KernelSHAP (Lundberg &amp; Lee, 2017): a sampled, constrained weighted regression.</summary>
    public const string KernelShap = "kernel-shap";

    /// <summary>Shapley values by enumerating every coalition.</summary>
    public const string ExactShapley = "exact-shapley";
}
