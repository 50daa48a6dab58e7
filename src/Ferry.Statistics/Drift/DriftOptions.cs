namespace Ferry.Statistics.Drift;

/// <summary>Options for a dataset drift test.</summary>
public sealed record DriftOptions
{
    /// <summary>Options for every column without its own entry in <see cref="PerColumn"/>.</summary>
    public DriftTestOptions Default { get; init; } = new();

    /// <summary>Per-column options; a null field falls back to <see cref="Default"/>, then to automatic.</summary>
    public IReadOnlyDictionary<string, DriftTestOptions> PerColumn { get; init; } = new Dictionary<string, DriftTestOptions>();

    /// <summary>The dataset drifted when at least this share of the tested columns drifted.</summary>
    public double DriftShare { get; init; } = 0.5;
}
