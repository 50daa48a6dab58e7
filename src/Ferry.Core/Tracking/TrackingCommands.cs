namespace Ferry.Core.Tracking;

/// <summary>A run to create.</summary>
/// <param name="ExperimentId">Its experiment.</param>
/// <param name="UserId">The user the client reports.</param>
/// <param name="RunName">The name asked for, if any.</param>
/// <param name="StartTime">Start time in epoch ms; now when absent.</param>
/// <param name="Tags">Initial tags.</param>
public sealed record NewRun(long ExperimentId, string? UserId, string? RunName, long? StartTime, IReadOnlyList<KeyValuePair<string, string>> Tags);

/// <summary>A change to a run's info; only the fields that are set change.</summary>
/// <param name="Status">New status (one of <see cref="RunStatus.All"/>).</param>
/// <param name="EndTime">New end time, epoch ms.</param>
/// <param name="RunName">New name.</param>
public sealed record RunUpdate(string? Status, long? EndTime, string? RunName);

/// <summary>One metric value to log.</summary>
/// <param name="Key">Metric key.</param>
/// <param name="Value">The value (may be NaN or infinite).</param>
/// <param name="Timestamp">Client timestamp, epoch ms.</param>
/// <param name="Step">Step.</param>
/// <param name="ModelId">The logged model the value is also recorded on (MLflow 3's <c>model_id</c>), if any.</param>
/// <param name="DatasetName">The dataset it was computed on, if any.</param>
/// <param name="DatasetDigest">That dataset's digest, if any.</param>
public sealed record MetricValue(string Key, double Value, long Timestamp, long Step, string? ModelId = null, string? DatasetName = null, string? DatasetDigest = null);

/// <summary>Metrics, params and tags logged together in one transaction (MLflow <c>log-batch</c>).</summary>
/// <param name="Metrics">Metric values (appended to history).</param>
/// <param name="Params">Params (immutable once logged).</param>
/// <param name="Tags">Tags (last write wins).</param>
public sealed record RunBatch(
    IReadOnlyList<MetricValue> Metrics,
    IReadOnlyList<KeyValuePair<string, string>> Params,
    IReadOnlyList<KeyValuePair<string, string>> Tags)
{
    /// <summary>The total number of entries.</summary>
    public int Count => Metrics.Count + Params.Count + Tags.Count;
}

/// <summary>A dataset input to record on a run.</summary>
/// <param name="Name">Dataset name.</param>
/// <param name="Digest">Content digest.</param>
/// <param name="SourceType">Source type.</param>
/// <param name="Source">Source (JSON text).</param>
/// <param name="Schema">Schema (JSON text), if any.</param>
/// <param name="Profile">Profile (JSON text), if any.</param>
/// <param name="Tags">Input tags such as <c>mlflow.data.context</c>.</param>
public sealed record DatasetInput(
    string Name,
    string Digest,
    string SourceType,
    string Source,
    string? Schema,
    string? Profile,
    IReadOnlyList<KeyValuePair<string, string>> Tags);
