using System.Text.Json.Serialization;

namespace Ferry.Server.Endpoints.Mlflow.Tracking;

/// <summary>Body of <c>experiments/create</c>.</summary>
public sealed class CreateExperimentRequest
{
    /// <summary>Name (required).</summary>
    public string? Name { get; set; }

    /// <summary>Artifact location (optional).</summary>
    public string? ArtifactLocation { get; set; }

    /// <summary>Tags.</summary>
    public List<KeyValueMessage>? Tags { get; set; }
}

/// <summary>Body of the experiment routes that name one experiment (delete, restore, update, tags).</summary>
public sealed class ExperimentRequest
{
    /// <summary>The experiment (string or number).</summary>
    [JsonConverter(typeof(StringOrNumberConverter))]
    public string? ExperimentId { get; set; }

    /// <summary>New name (update).</summary>
    public string? NewName { get; set; }

    /// <summary>Tag key (tag routes).</summary>
    public string? Key { get; set; }

    /// <summary>Tag value (set-experiment-tag).</summary>
    public string? Value { get; set; }
}

/// <summary>Body of <c>experiments/search</c>.</summary>
public sealed class SearchExperimentsRequest
{
    /// <summary>Page size.</summary>
    public long? MaxResults { get; set; }

    /// <summary>Page token.</summary>
    public string? PageToken { get; set; }

    /// <summary>Filter.</summary>
    public string? Filter { get; set; }

    /// <summary>Order-by items.</summary>
    public List<string>? OrderBy { get; set; }

    /// <summary>ViewType name or number.</summary>
    [JsonConverter(typeof(StringOrNumberConverter))]
    public string? ViewType { get; set; }
}

/// <summary>Body of <c>runs/create</c>.</summary>
public sealed class CreateRunRequest
{
    /// <summary>The experiment (string or number).</summary>
    [JsonConverter(typeof(StringOrNumberConverter))]
    public string? ExperimentId { get; set; }

    /// <summary>User.</summary>
    public string? UserId { get; set; }

    /// <summary>Name.</summary>
    public string? RunName { get; set; }

    /// <summary>Start, epoch ms.</summary>
    public long? StartTime { get; set; }

    /// <summary>Tags.</summary>
    public List<KeyValueMessage>? Tags { get; set; }
}

/// <summary>Body of every run route: the run id (or the deprecated run_uuid) and the fields each route reads.</summary>
public sealed class RunRequest
{
    /// <summary>Run id.</summary>
    public string? RunId { get; set; }

    /// <summary>Deprecated run id, read when <see cref="RunId"/> is absent.</summary>
    public string? RunUuid { get; set; }

    /// <summary>Status name or number (update).</summary>
    [JsonConverter(typeof(StringOrNumberConverter))]
    public string? Status { get; set; }

    /// <summary>End, epoch ms (update).</summary>
    public long? EndTime { get; set; }

    /// <summary>Name (update).</summary>
    public string? RunName { get; set; }

    /// <summary>Key (log-parameter, log-metric, set-tag, delete-tag).</summary>
    public string? Key { get; set; }

    /// <summary>Value as text (log-parameter, set-tag).</summary>
    public string? Value { get; set; }

    /// <summary>Model JSON (log-model).</summary>
    public string? ModelJson { get; set; }
}

/// <summary>Body of <c>runs/log-metric</c> (its value is a double).</summary>
public sealed class LogMetricRequest
{
    /// <summary>Run id.</summary>
    public string? RunId { get; set; }

    /// <summary>Deprecated run id.</summary>
    public string? RunUuid { get; set; }

    /// <summary>Key.</summary>
    public string? Key { get; set; }

    /// <summary>Value; may be "NaN", "Infinity" or "-Infinity".</summary>
    public double? Value { get; set; }

    /// <summary>Timestamp, epoch ms.</summary>
    public long? Timestamp { get; set; }

    /// <summary>Step (0 when absent).</summary>
    public long? Step { get; set; }

    /// <summary>The logged model the value also belongs to (MLflow 3).</summary>
    public string? ModelId { get; set; }

    /// <summary>The dataset it was computed on (MLflow 3).</summary>
    public string? DatasetName { get; set; }

    /// <summary>That dataset's digest (MLflow 3).</summary>
    public string? DatasetDigest { get; set; }
}

/// <summary>Body of <c>runs/log-batch</c>.</summary>
public sealed class LogBatchRequest
{
    /// <summary>Run id.</summary>
    public string? RunId { get; set; }

    /// <summary>Deprecated run id.</summary>
    public string? RunUuid { get; set; }

    /// <summary>Metrics.</summary>
    public List<MetricMessage>? Metrics { get; set; }

    /// <summary>Params.</summary>
    public List<KeyValueMessage>? Params { get; set; }

    /// <summary>Tags.</summary>
    public List<KeyValueMessage>? Tags { get; set; }
}

/// <summary>Body of <c>runs/log-inputs</c>.</summary>
public sealed class LogInputsRequest
{
    /// <summary>Run id.</summary>
    public string? RunId { get; set; }

    /// <summary>Deprecated run id.</summary>
    public string? RunUuid { get; set; }

    /// <summary>Datasets.</summary>
    public List<DatasetInputMessage>? Datasets { get; set; }

    /// <summary>Logged models used (MLflow 3).</summary>
    public List<ModelInputMessage>? Models { get; set; }
}

/// <summary>Body of <c>runs/search</c>.</summary>
public sealed class SearchRunsRequest
{
    /// <summary>Experiments searched.</summary>
    public List<string>? ExperimentIds { get; set; }

    /// <summary>Filter.</summary>
    public string? Filter { get; set; }

    /// <summary>ViewType name or number.</summary>
    [JsonConverter(typeof(StringOrNumberConverter))]
    public string? RunViewType { get; set; }

    /// <summary>Page size (default 1000).</summary>
    public long? MaxResults { get; set; }

    /// <summary>Order-by items.</summary>
    public List<string>? OrderBy { get; set; }

    /// <summary>Page token.</summary>
    public string? PageToken { get; set; }
}
