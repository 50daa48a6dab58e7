namespace Ferry.Client.Tracking;

/// <summary>A key/value pair: a run tag, an experiment tag or a registry tag.</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The value.</param>
public sealed record Tag(string Key, string Value);

/// <summary>A run parameter (immutable once logged).</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The value, as text.</param>
public sealed record Param(string Key, string Value);

/// <summary>One metric value.</summary>
/// <param name="Key">The metric's name.</param>
/// <param name="Value">The value; NaN and infinities travel as MLflow's named literals.</param>
/// <param name="Timestamp">When it was measured, Unix epoch milliseconds.</param>
/// <param name="Step">The training step (0 when not given).</param>
public sealed record Metric(string Key, double Value, long Timestamp, long Step = 0);

/// <summary>An MLflow experiment. Times are Unix epoch milliseconds.</summary>
/// <param name="ExperimentId">The id ("0", "1", ...).</param>
/// <param name="Name">The unique name.</param>
/// <param name="ArtifactLocation">Where its runs' artifacts go, e.g. <c>mlflow-artifacts:/1</c>.</param>
/// <param name="LifecycleStage">"active" or "deleted".</param>
/// <param name="CreationTime">Created, epoch ms.</param>
/// <param name="LastUpdateTime">Last changed, epoch ms.</param>
/// <param name="Tags">Its tags.</param>
public sealed record Experiment(
    string ExperimentId,
    string Name,
    string? ArtifactLocation = null,
    string? LifecycleStage = null,
    long? CreationTime = null,
    long? LastUpdateTime = null,
    IReadOnlyList<Tag>? Tags = null);

/// <summary>What identifies a run and where it stands. Times are Unix epoch milliseconds.</summary>
/// <param name="RunId">32 hex characters.</param>
/// <param name="RunName">Its display name.</param>
/// <param name="ExperimentId">The experiment it belongs to.</param>
/// <param name="UserId">Who started it, as the client reported.</param>
/// <param name="Status">RUNNING, SCHEDULED, FINISHED, FAILED or KILLED (<see cref="Ferry.Core.Tracking.RunStatus"/>).</param>
/// <param name="StartTime">Started, epoch ms.</param>
/// <param name="EndTime">Ended, epoch ms; null while running.</param>
/// <param name="ArtifactUri">Where its artifacts go, e.g. <c>mlflow-artifacts:/1/&lt;run&gt;/artifacts</c>.</param>
/// <param name="LifecycleStage">"active" or "deleted".</param>
public sealed record RunInfo(
    string RunId,
    string? RunName = null,
    string? ExperimentId = null,
    string? UserId = null,
    string? Status = null,
    long? StartTime = null,
    long? EndTime = null,
    string? ArtifactUri = null,
    string? LifecycleStage = null);

/// <summary>What a run logged: the latest value of each metric, its params and its tags.</summary>
/// <param name="Metrics">One entry per key: the latest value.</param>
/// <param name="Params">Parameters.</param>
/// <param name="Tags">Tags.</param>
public sealed record RunData(
    IReadOnlyList<Metric>? Metrics = null,
    IReadOnlyList<Param>? Params = null,
    IReadOnlyList<Tag>? Tags = null)
{
    /// <summary>The latest value of metric <paramref name="key"/>, or null when the run has none.</summary>
    public double? Metric(string key) => Metrics?.FirstOrDefault(m => m.Key == key)?.Value;

    /// <summary>The value of parameter <paramref name="key"/>, or null.</summary>
    public string? Param(string key) => Params?.FirstOrDefault(p => p.Key == key)?.Value;

    /// <summary>The value of tag <paramref name="key"/>, or null.</summary>
    public string? Tag(string key) => Tags?.FirstOrDefault(t => t.Key == key)?.Value;
}

/// <summary>A run: its info and its data.</summary>
/// <param name="Info">Identity, status and times.</param>
/// <param name="Data">Latest metrics, params and tags.</param>
public sealed record Run(RunInfo Info, RunData? Data = null)
{
    /// <summary>The run's data, empty when the server sent none.</summary>
    public RunData Data { get; init; } = Data ?? new RunData();
}

/// <summary>One page of a run search.</summary>
/// <param name="Runs">The runs on this page.</param>
/// <param name="NextPageToken">Pass it back for the next page; null on the last page.</param>
public sealed record RunsPage(IReadOnlyList<Run> Runs, string? NextPageToken);

/// <summary>One page of an experiment search.</summary>
/// <param name="Experiments">The experiments on this page.</param>
/// <param name="NextPageToken">Pass it back for the next page; null on the last page.</param>
public sealed record ExperimentsPage(IReadOnlyList<Experiment> Experiments, string? NextPageToken);
