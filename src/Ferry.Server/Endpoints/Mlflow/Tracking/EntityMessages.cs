namespace Ferry.Server.Endpoints.Mlflow.Tracking;

/// <summary>MLflow's key/value pair (ExperimentTag, RunTag, Param, InputTag).</summary>
public sealed class KeyValueMessage
{
    /// <summary>Key.</summary>
    public string? Key { get; set; }

    /// <summary>Value.</summary>
    public string? Value { get; set; }
}

/// <summary>MLflow's Experiment.</summary>
public sealed class ExperimentMessage
{
    /// <summary>Id, as a string.</summary>
    public required string ExperimentId { get; set; }

    /// <summary>Name.</summary>
    public required string Name { get; set; }

    /// <summary>Artifact location.</summary>
    public required string ArtifactLocation { get; set; }

    /// <summary>"active" or "deleted".</summary>
    public required string LifecycleStage { get; set; }

    /// <summary>Last change, epoch ms.</summary>
    public long LastUpdateTime { get; set; }

    /// <summary>Creation, epoch ms.</summary>
    public long CreationTime { get; set; }

    /// <summary>Tags.</summary>
    public List<KeyValueMessage> Tags { get; set; } = [];
}

/// <summary>MLflow's Metric (also read in log-batch, where fields may be missing).</summary>
public sealed class MetricMessage
{
    /// <summary>Key.</summary>
    public string? Key { get; set; }

    /// <summary>Value; "NaN", "Infinity" and "-Infinity" travel as strings.</summary>
    public double? Value { get; set; }

    /// <summary>Timestamp, epoch ms.</summary>
    public long? Timestamp { get; set; }

    /// <summary>Step.</summary>
    public long? Step { get; set; }

    /// <summary>The dataset the value was computed on (MLflow 3).</summary>
    public string? DatasetName { get; set; }

    /// <summary>That dataset's digest (MLflow 3).</summary>
    public string? DatasetDigest { get; set; }

    /// <summary>The logged model the value belongs to (MLflow 3).</summary>
    public string? ModelId { get; set; }

    /// <summary>The run it was logged under (on logged models' metrics).</summary>
    public string? RunId { get; set; }
}

/// <summary>MLflow's RunInfo; <c>run_id</c> and <c>run_uuid</c> are both always written.</summary>
public sealed class RunInfoMessage
{
    /// <summary>Run id.</summary>
    public required string RunId { get; set; }

    /// <summary>The deprecated duplicate of <see cref="RunId"/>, still read by old clients.</summary>
    public required string RunUuid { get; set; }

    /// <summary>Name.</summary>
    public required string RunName { get; set; }

    /// <summary>Experiment id, as a string.</summary>
    public required string ExperimentId { get; set; }

    /// <summary>User.</summary>
    public required string UserId { get; set; }

    /// <summary>Status.</summary>
    public required string Status { get; set; }

    /// <summary>Start, epoch ms.</summary>
    public long StartTime { get; set; }

    /// <summary>End, epoch ms; omitted until the run ends.</summary>
    public long? EndTime { get; set; }

    /// <summary>Artifact URI.</summary>
    public required string ArtifactUri { get; set; }

    /// <summary>"active" or "deleted".</summary>
    public required string LifecycleStage { get; set; }
}

/// <summary>MLflow's RunData.</summary>
public sealed class RunDataMessage
{
    /// <summary>The latest value per metric key.</summary>
    public List<MetricMessage> Metrics { get; set; } = [];

    /// <summary>Params.</summary>
    public List<KeyValueMessage> Params { get; set; } = [];

    /// <summary>Tags.</summary>
    public List<KeyValueMessage> Tags { get; set; } = [];
}

/// <summary>MLflow's Dataset.</summary>
public sealed class DatasetMessage
{
    /// <summary>Name.</summary>
    public string? Name { get; set; }

    /// <summary>Digest.</summary>
    public string? Digest { get; set; }

    /// <summary>Source type.</summary>
    public string? SourceType { get; set; }

    /// <summary>Source (JSON text).</summary>
    public string? Source { get; set; }

    /// <summary>Schema (JSON text).</summary>
    public string? Schema { get; set; }

    /// <summary>Profile (JSON text).</summary>
    public string? Profile { get; set; }
}

/// <summary>MLflow's DatasetInput.</summary>
public sealed class DatasetInputMessage
{
    /// <summary>Input tags.</summary>
    public List<KeyValueMessage>? Tags { get; set; }

    /// <summary>The dataset.</summary>
    public DatasetMessage? Dataset { get; set; }
}

/// <summary>MLflow's RunInputs.</summary>
public sealed class RunInputsMessage
{
    /// <summary>Datasets consumed.</summary>
    public List<DatasetInputMessage> DatasetInputs { get; set; } = [];

    /// <summary>Logged models used (MLflow 3); omitted when none.</summary>
    public List<ModelInputMessage>? ModelInputs { get; set; }
}

/// <summary>MLflow's ModelInput.</summary>
public sealed class ModelInputMessage
{
    /// <summary>The logged model.</summary>
    public string? ModelId { get; set; }
}

/// <summary>MLflow's ModelOutput.</summary>
public sealed class ModelOutputMessage
{
    /// <summary>The logged model.</summary>
    public string? ModelId { get; set; }

    /// <summary>The step it was produced at.</summary>
    public long? Step { get; set; }
}

/// <summary>MLflow's RunOutputs: the logged models the run produced, omitted when none.</summary>
public sealed class RunOutputsMessage
{
    /// <summary>Logged models produced (MLflow 3).</summary>
    public List<ModelOutputMessage>? ModelOutputs { get; set; }
}

/// <summary>MLflow's Run.</summary>
public sealed class RunMessage
{
    /// <summary>Info.</summary>
    public required RunInfoMessage Info { get; set; }

    /// <summary>Data.</summary>
    public required RunDataMessage Data { get; set; }

    /// <summary>Inputs.</summary>
    public required RunInputsMessage Inputs { get; set; }

    /// <summary>Outputs.</summary>
    public required RunOutputsMessage Outputs { get; set; }
}
