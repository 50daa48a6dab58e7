using Ferry.Explain.Trees;

namespace Ferry.Explain.Shap;

/// <summary>One node of a flattened ensemble: children are absolute indices into the forest's node array.</summary>
internal struct FlatNode
{
    /// <summary>Left (condition true) child, or −1 at a leaf.</summary>
    public int Left;

    /// <summary>Right child, or −1 at a leaf.</summary>
    public int Right;

    /// <summary>Split feature.</summary>
    public int Feature;

    /// <summary>The player (Shapley feature) the split feature belongs to; <see cref="Feature"/> unless players group slots.</summary>
    public int Player;

    /// <summary>Split comparison.</summary>
    public SplitRule Rule;

    /// <summary>Where NaN goes.</summary>
    public bool MissingLeft;

    /// <summary>Split threshold.</summary>
    public double Threshold;

    /// <summary>cover(left) / cover(node); ½ when the node's cover is zero.</summary>
    public double LeftFraction;

    /// <summary>cover(right) / cover(node); ½ when the node's cover is zero.</summary>
    public double RightFraction;

    public readonly bool GoesLeft(ReadOnlySpan<double> x)
    {
        var value = x[Feature];
        if (double.IsNaN(value))
        {
            return MissingLeft;
        }

        return Rule switch
        {
            SplitRule.LessThan => value < Threshold,
            SplitRule.LessOrEqual => value <= Threshold,
            SplitRule.GreaterThan => value > Threshold,
            SplitRule.GreaterOrEqual => value >= Threshold,
            SplitRule.Equal => value == Threshold,
            _ => value != Threshold,
        };
    }
}
