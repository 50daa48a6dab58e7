namespace Ferry.Statistics.Drift;

/// <summary>Method and threshold for one column's drift test; null means automatic.</summary>
public sealed record DriftTestOptions
{
    /// <summary>The method, or null to choose as Evidently's <c>get_default_stattest</c> does.</summary>
    public DriftMethod? Method { get; init; }

    /// <summary>
    /// The threshold, or null for the method's default: 0.05 on the p-value for Kolmogorov–Smirnov, chi-square and
    /// z-test; 0.1 on the score for PSI, Jensen–Shannon and normalised Wasserstein.
    /// </summary>
    public double? Threshold { get; init; }
}
