namespace Ferry.Core.Pipelines;

/// <summary>
/// A training set materialised from an endpoint's prediction log: the rows Ferry served in a window (features exactly as
/// received, the version that answered) joined with the ground truth that had arrived, optionally with the answering
/// version's reference rows. The data is a Parquet file in the artifact store; this row records how it was built, what
/// it holds and its digest, so a run trained on it can name it as an input. Times are epoch ms.
/// </summary>
public sealed class TrainingDataset
{
    /// <summary>Surrogate key; also the dataset's name in lineage (<c>ferry-dataset-{Id}</c> unless <see cref="Name"/> is given).</summary>
    public Guid Id { get; set; }

    /// <summary>A readable name (unique), e.g. <c>credit-20261206-1200</c>.</summary>
    public required string Name { get; set; }

    /// <summary>The endpoint whose log was read.</summary>
    public required string EndpointName { get; set; }

    /// <summary>Start of the window (inclusive).</summary>
    public long From { get; set; }

    /// <summary>End of the window (exclusive).</summary>
    public long To { get; set; }

    /// <summary>Point in time: only labels received at or before this instant are joined (the build time unless given).</summary>
    public long AsOf { get; set; }

    /// <summary>Only labels received within this many ms of their prediction are joined; null = no limit.</summary>
    public long? LabelDelayMaxMs { get; set; }

    /// <summary>Whether the answering versions' reference rows were appended (marked in a <c>source</c> column).</summary>
    public bool WithReference { get; set; }

    /// <summary>Start of the held-out window (the most recent labelled rows kept out of training for the backtest), or null when nothing was held out.</summary>
    public long? HoldoutFrom { get; set; }

    /// <summary>The recipe as built (<see cref="DatasetRecipe"/> plus the resolved window), JSON.</summary>
    public string QueryJson { get; set; } = "{}";

    /// <summary>Production rows in the training file.</summary>
    public long Rows { get; set; }

    /// <summary>Of <see cref="Rows"/>, those with a label.</summary>
    public long LabelledRows { get; set; }

    /// <summary>Reference rows appended.</summary>
    public long ReferenceRows { get; set; }

    /// <summary>Labelled production rows held out (in the holdout file, not in the training file).</summary>
    public long HoldoutRows { get; set; }

    /// <summary><see cref="LabelledRows"/> / <see cref="Rows"/> (0 without rows).</summary>
    public double LabelCoverage { get; set; }

    /// <summary>Rows per answering version, JSON (<c>{"credit-risk/1": 5000}</c>).</summary>
    public string VersionsJson { get; set; } = "{}";

    /// <summary>The training file's columns, comma-separated in file order.</summary>
    public string Columns { get; set; } = string.Empty;

    /// <summary>SHA-256 (hex) of the training Parquet file's bytes.</summary>
    public string Digest { get; set; } = string.Empty;

    /// <summary>The training file's path in the artifact store.</summary>
    public string ArtifactPath { get; set; } = string.Empty;

    /// <summary>The holdout file's path in the artifact store, or null.</summary>
    public string? HoldoutArtifactPath { get; set; }

    /// <summary>SHA-256 (hex) of the holdout file, or null.</summary>
    public string? HoldoutDigest { get; set; }

    /// <summary>Size of the training file in bytes.</summary>
    public long SizeBytes { get; set; }

    /// <summary>Who built it.</summary>
    public string CreatedBy { get; set; } = string.Empty;

    /// <summary>When.</summary>
    public long CreatedAt { get; set; }
}

/// <summary>Port: materialised training sets. Adding one is audited (<c>dataset.build</c>).</summary>
public interface ITrainingDatasetStore
{
    /// <summary>Stores a dataset whose files are already written (its id, name and times set by the caller).</summary>
    Task<TrainingDataset> AddAsync(TrainingDataset dataset, string actor, CancellationToken cancellationToken = default);

    /// <summary>A dataset by id, or null.</summary>
    Task<TrainingDataset?> FindAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>A dataset by name, or null.</summary>
    Task<TrainingDataset?> FindByNameAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Datasets, newest first, optionally of one endpoint; at most <paramref name="limit"/> (clamped to 1..1000).</summary>
    Task<IReadOnlyList<TrainingDataset>> ListAsync(string? endpointName, int limit, CancellationToken cancellationToken = default);
}
