namespace Ferry.Explain.Reasons;

/// <summary>Which sign of an attribution pushes the decision toward the adverse outcome.</summary>
public enum AdverseDirection
{
    /// <summary>Positive attributions are adverse (e.g. the margin is the log-odds of default: higher = riskier).</summary>
    Positive,

    /// <summary>Negative attributions are adverse (e.g. the output is an approval score: lower = worse).</summary>
    Negative,
}
