namespace Ferry.Core.Contracts;

/// <summary>
/// <c>POST /api/v1/datasets</c>: materialise a training set from an endpoint's prediction log, point-in-time correct.
/// </summary>
public sealed record DatasetBuildBody
{
    /// <summary>The endpoint whose log is read.</summary>
    public string? Endpoint { get; init; }

    /// <summary>Start of the window (inclusive).</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>End of the window (exclusive).</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only labels received at or before this instant are joined (default: now; never in the future, never before <see cref="To"/>).</summary>
    public DateTimeOffset? AsOf { get; init; }

    /// <summary>Only labels received within this long of their prediction: an ISO-8601 duration (<c>P90D</c>, <c>PT12H</c>) or <c>90d</c>, <c>12h</c>, <c>30m</c>; null = no limit.</summary>
    public string? LabelDelayMax { get; init; }

    /// <summary>Append the answering versions' reference rows (<c>source = reference</c>).</summary>
    public bool? WithReference { get; init; }

    /// <summary>The most recent share of labelled rows held out of training, in [0, 1) (default 0.2).</summary>
    public double? HoldoutFraction { get; init; }

    /// <summary>Keep only labelled rows in the training file (default false).</summary>
    public bool? LabelledOnly { get; init; }

    /// <summary>The dataset's name (default <c>{endpoint}-{yyyyMMdd-HHmm}</c> of <see cref="To"/>, made unique).</summary>
    public string? Name { get; init; }
}

/// <summary>A materialised training set as the API shows it.</summary>
public sealed record DatasetView
{
    /// <summary>Its id.</summary>
    public Guid Id { get; init; }

    /// <summary>Its unique name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>The endpoint whose log was read.</summary>
    public string Endpoint { get; init; } = string.Empty;

    /// <summary>Start of the window (inclusive).</summary>
    public DateTimeOffset From { get; init; }

    /// <summary>End of the window (exclusive).</summary>
    public DateTimeOffset To { get; init; }

    /// <summary>The point in time of the label join.</summary>
    public DateTimeOffset AsOf { get; init; }

    /// <summary>The label delay limit in ms, or null.</summary>
    public long? LabelDelayMaxMs { get; init; }

    /// <summary>Whether reference rows were appended.</summary>
    public bool WithReference { get; init; }

    /// <summary>Start of the held-out window, or null.</summary>
    public DateTimeOffset? HoldoutFrom { get; init; }

    /// <summary>Production rows in the training file.</summary>
    public long Rows { get; init; }

    /// <summary>Of those, rows with a label.</summary>
    public long LabelledRows { get; init; }

    /// <summary>Reference rows appended to the training file.</summary>
    public long ReferenceRows { get; init; }

    /// <summary>Labelled rows in the holdout file.</summary>
    public long HoldoutRows { get; init; }

    /// <summary>Labelled share of the training file's production rows.</summary>
    public double LabelCoverage { get; init; }

    /// <summary>Production rows per answering version (<c>model/version</c>).</summary>
    public IReadOnlyDictionary<string, long> Versions { get; init; } = new Dictionary<string, long>();

    /// <summary>The training file's columns in file order.</summary>
    public IReadOnlyList<string> Columns { get; init; } = [];

    /// <summary>SHA-256 (hex) of the training file.</summary>
    public string Digest { get; init; } = string.Empty;

    /// <summary>The training file's artifact path.</summary>
    public string ArtifactPath { get; init; } = string.Empty;

    /// <summary>The holdout file's artifact path, or null.</summary>
    public string? HoldoutArtifactPath { get; init; }

    /// <summary>SHA-256 (hex) of the holdout file, or null.</summary>
    public string? HoldoutDigest { get; init; }

    /// <summary>The training file's size in bytes.</summary>
    public long SizeBytes { get; init; }

    /// <summary>The recipe and resolved window, as JSON.</summary>
    public string Query { get; init; } = "{}";

    /// <summary>Who built it.</summary>
    public string CreatedBy { get; init; } = string.Empty;

    /// <summary>When.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary><c>GET /api/v1/datasets</c>: datasets, newest first.</summary>
/// <param name="Datasets">The datasets.</param>
public sealed record DatasetListView(IReadOnlyList<DatasetView> Datasets);
