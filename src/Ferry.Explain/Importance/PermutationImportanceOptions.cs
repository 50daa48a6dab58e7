namespace Ferry.Explain.Importance;

/// <summary>Settings of <see cref="PermutationImportance"/>.</summary>
public sealed record PermutationImportanceOptions
{
    /// <summary>Shuffles per feature; the drop's mean and standard deviation are over these.</summary>
    public int Repeats { get; init; } = 5;

    /// <summary>Seed of the shuffles.</summary>
    public int Seed { get; init; }

    /// <summary>The metric.</summary>
    public ImportanceMetric Metric { get; init; } = ImportanceMetric.RocAuc;
}
