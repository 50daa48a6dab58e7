using System.Text.Json.Serialization;

namespace Ferry.Statistics.Drift;

/// <summary>Drift test result for one column.</summary>
/// <param name="Column">Column name.</param>
/// <param name="Method">The method that ran (after the automatic choice or a fallback from an inapplicable one).</param>
/// <param name="Score">The statistic or distance: D, χ², z, PSI, Jensen–Shannon distance or normalised Wasserstein.
/// NaN when <see cref="Skipped"/>.</param>
/// <param name="PValue">p-value for Kolmogorov–Smirnov, chi-square and z-test; null for distances.</param>
/// <param name="Threshold">The threshold applied.</param>
/// <param name="Drifted">p &lt; threshold for tests, score ≥ threshold for distances; false when skipped.</param>
public sealed record ColumnDriftResult(string Column, DriftMethod Method, double Score, double? PValue, double Threshold, bool Drifted)
{
    /// <summary>True when the column had no valid values in the reference or in the current data and was not tested.</summary>
    public bool Skipped { get; init; }

    /// <summary>True when computed from the raw values (<see cref="ExactDrift"/>), false when from profiles' sketches.</summary>
    public bool Exact { get; init; }

    /// <summary>For an approximate result, the intervals holding the exact score and p-value (null when exact or not derived).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DriftErrorBound? ErrorBound { get; init; }
}
