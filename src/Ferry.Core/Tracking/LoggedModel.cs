namespace Ferry.Core.Tracking;

/// <summary>
/// An MLflow 3 logged model: a model a run (or none) produced, with its own artifact location, params, tags and
/// the metrics logged against its id. Times are epoch ms.
/// </summary>
public sealed class LoggedModel
{
    /// <summary><c>m-</c> and 32 lower-case hex characters.</summary>
    public required string Id { get; set; }

    /// <summary>Owning experiment.</summary>
    public long ExperimentId { get; set; }

    /// <summary>Name (the <c>name</c> given to <c>log_model</c>).</summary>
    public required string Name { get; set; }

    /// <summary>Free-form model type; empty when not given.</summary>
    public string ModelType { get; set; } = string.Empty;

    /// <summary>The run that produced it; empty when none.</summary>
    public string SourceRunId { get; set; } = string.Empty;

    /// <summary>One of <see cref="LoggedModelStatus"/>.</summary>
    public string Status { get; set; } = LoggedModelStatus.Pending;

    /// <summary>Why it failed, when it did.</summary>
    public string? StatusMessage { get; set; }

    /// <summary><c>&lt;experiment artifact location&gt;/models/&lt;id&gt;/artifacts</c>.</summary>
    public required string ArtifactLocation { get; set; }

    /// <summary>Creation, epoch ms.</summary>
    public long CreationTime { get; set; }

    /// <summary>Last change, epoch ms.</summary>
    public long LastUpdatedTime { get; set; }

    /// <summary>"active" or "deleted".</summary>
    public string LifecycleStage { get; set; } = Tracking.LifecycleStage.Active;

    /// <summary>Parameters (immutable once logged).</summary>
    public List<LoggedModelParam> Params { get; set; } = [];

    /// <summary>Tags (last write wins).</summary>
    public List<LoggedModelTag> Tags { get; set; } = [];

    /// <summary>Metrics logged with this model's id.</summary>
    public List<LoggedModelMetric> Metrics { get; set; } = [];
}

/// <summary>MLflow's <c>LoggedModelStatus</c> names.</summary>
public static class LoggedModelStatus
{
    /// <summary>Created, artifacts still uploading.</summary>
    public const string Pending = "LOGGED_MODEL_PENDING";

    /// <summary>Finalized: artifacts complete.</summary>
    public const string Ready = "LOGGED_MODEL_READY";

    /// <summary>Finalized: the upload failed.</summary>
    public const string UploadFailed = "LOGGED_MODEL_UPLOAD_FAILED";

    /// <summary>The statuses in MLflow's enum order (1..3).</summary>
    public static IReadOnlyList<string> All { get; } = [Pending, Ready, UploadFailed];
}

/// <summary>A parameter of a logged model.</summary>
public sealed class LoggedModelParam
{
    /// <summary>The model.</summary>
    public required string ModelId { get; set; }

    /// <summary>Key.</summary>
    public required string Key { get; set; }

    /// <summary>Value.</summary>
    public required string Value { get; set; }
}

/// <summary>A tag of a logged model.</summary>
public sealed class LoggedModelTag
{
    /// <summary>The model.</summary>
    public required string ModelId { get; set; }

    /// <summary>Key.</summary>
    public required string Key { get; set; }

    /// <summary>Value.</summary>
    public required string Value { get; set; }
}

/// <summary>A metric value logged with a model id (by <c>log-metric</c> or <c>log-batch</c>).</summary>
public sealed class LoggedModelMetric
{
    /// <summary>Surrogate key.</summary>
    public long Id { get; set; }

    /// <summary>The model.</summary>
    public required string ModelId { get; set; }

    /// <summary>The run it was logged under.</summary>
    public required string RunId { get; set; }

    /// <summary>Key.</summary>
    public required string Key { get; set; }

    /// <summary>The value (0 when NaN).</summary>
    public double Value { get; set; }

    /// <summary>Whether the value is NaN.</summary>
    public bool IsNaN { get; set; }

    /// <summary>Client timestamp, epoch ms.</summary>
    public long Timestamp { get; set; }

    /// <summary>Step.</summary>
    public long Step { get; set; }

    /// <summary>The dataset it was computed on, if any.</summary>
    public string? DatasetName { get; set; }

    /// <summary>That dataset's digest, if any.</summary>
    public string? DatasetDigest { get; set; }

    /// <summary>The value, NaN restored.</summary>
    public double ActualValue => IsNaN ? double.NaN : Value;
}

/// <summary>A logged model a run consumed (input) or produced (output, at a step).</summary>
public sealed class RunModelLink
{
    /// <summary>The run.</summary>
    public required string RunId { get; set; }

    /// <summary>The logged model.</summary>
    public required string ModelId { get; set; }

    /// <summary><see cref="RunModelDirection.Input"/> or <see cref="RunModelDirection.Output"/>.</summary>
    public required string Direction { get; set; }

    /// <summary>The step it was produced at (outputs); 0 for inputs.</summary>
    public long Step { get; set; }
}

/// <summary>Directions of <see cref="RunModelLink"/>.</summary>
public static class RunModelDirection
{
    /// <summary>The run used the model.</summary>
    public const string Input = "input";

    /// <summary>The run produced the model.</summary>
    public const string Output = "output";
}

/// <summary>A logged model to create.</summary>
/// <param name="ExperimentId">Its experiment.</param>
/// <param name="Name">Its name; a generated one when absent.</param>
/// <param name="ModelType">Model type, if any.</param>
/// <param name="SourceRunId">The run that produced it, if any.</param>
/// <param name="Params">Initial params.</param>
/// <param name="Tags">Initial tags.</param>
public sealed record NewLoggedModel(
    long ExperimentId,
    string? Name,
    string? ModelType,
    string? SourceRunId,
    IReadOnlyList<KeyValuePair<string, string>> Params,
    IReadOnlyList<KeyValuePair<string, string>> Tags);

/// <summary>One <c>order_by</c> item of a logged-model search.</summary>
/// <param name="FieldName">An attribute (<c>name</c>, <c>creation_timestamp</c>...) or <c>metrics.&lt;key&gt;</c>.</param>
/// <param name="Ascending">Direction.</param>
public sealed record LoggedModelOrder(string FieldName, bool Ascending);

/// <summary>A logged-model search (MLflow <c>logged-models/search</c>).</summary>
/// <param name="ExperimentIds">The experiments searched.</param>
/// <param name="Filter">The filter (MLflow's grammar over attributes, params, tags and metrics); empty matches all.</param>
/// <param name="MaxResults">Page size.</param>
/// <param name="OrderBy">Order-by items; newest first when none names the creation time.</param>
/// <param name="PageToken">The token of the page wanted, or null for the first.</param>
public sealed record LoggedModelSearchQuery(
    IReadOnlyList<long> ExperimentIds,
    string? Filter,
    int MaxResults,
    IReadOnlyList<LoggedModelOrder> OrderBy,
    string? PageToken);
