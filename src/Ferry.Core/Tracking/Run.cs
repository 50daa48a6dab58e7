namespace Ferry.Core.Tracking;

/// <summary>One execution of training code: params, metrics, tags, artifacts and inputs. Times are epoch ms.</summary>
public sealed class Run
{
    /// <summary>32 lower-case hex characters.</summary>
    public required string Id { get; set; }

    /// <summary>Owning experiment.</summary>
    public long ExperimentId { get; set; }

    /// <summary>Display name (mirrored in the <c>mlflow.runName</c> tag).</summary>
    public required string Name { get; set; }

    /// <summary>The user the client reported (MLflow's <c>user_id</c>).</summary>
    public string UserId { get; set; } = string.Empty;

    /// <summary>RUNNING, SCHEDULED, FINISHED, FAILED or KILLED.</summary>
    public string Status { get; set; } = RunStatus.Running;

    /// <summary>Start time, epoch ms.</summary>
    public long StartTime { get; set; }

    /// <summary>End time, epoch ms; null while not ended.</summary>
    public long? EndTime { get; set; }

    /// <summary><c>&lt;experiment artifact location&gt;/&lt;run id&gt;/artifacts</c>.</summary>
    public required string ArtifactUri { get; set; }

    /// <summary>"active" or "deleted".</summary>
    public string LifecycleStage { get; set; } = Tracking.LifecycleStage.Active;

    /// <summary>When it was soft-deleted, epoch ms.</summary>
    public long? DeletedTime { get; set; }

    /// <summary>Parameters (immutable once logged).</summary>
    public List<RunParam> Params { get; set; } = [];

    /// <summary>Tags (last write wins).</summary>
    public List<RunTag> Tags { get; set; } = [];

    /// <summary>The latest value of each metric key (see <see cref="LatestMetric"/>).</summary>
    public List<LatestMetric> LatestMetrics { get; set; } = [];

    /// <summary>Datasets the run consumed.</summary>
    public List<RunDatasetInput> DatasetInputs { get; set; } = [];

    /// <summary>Logged models the run used (inputs) and produced (outputs).</summary>
    public List<RunModelLink> ModelLinks { get; set; } = [];
}

/// <summary>MLflow's run statuses.</summary>
public static class RunStatus
{
    /// <summary>Running.</summary>
    public const string Running = "RUNNING";

    /// <summary>Scheduled.</summary>
    public const string Scheduled = "SCHEDULED";

    /// <summary>Finished successfully.</summary>
    public const string Finished = "FINISHED";

    /// <summary>Failed.</summary>
    public const string Failed = "FAILED";

    /// <summary>Killed.</summary>
    public const string Killed = "KILLED";

    /// <summary>All statuses, in MLflow's enum order (1..5).</summary>
    public static IReadOnlyList<string> All { get; } = [Running, Scheduled, Finished, Failed, Killed];
}

/// <summary>A parameter of a run.</summary>
public sealed class RunParam
{
    /// <summary>The run.</summary>
    public required string RunId { get; set; }

    /// <summary>Key.</summary>
    public required string Key { get; set; }

    /// <summary>Value, as text.</summary>
    public required string Value { get; set; }
}

/// <summary>A tag of a run.</summary>
public sealed class RunTag
{
    /// <summary>The run.</summary>
    public required string RunId { get; set; }

    /// <summary>Key.</summary>
    public required string Key { get; set; }

    /// <summary>Value.</summary>
    public required string Value { get; set; }
}
