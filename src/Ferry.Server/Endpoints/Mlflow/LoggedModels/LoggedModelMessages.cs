using System.Text.Json.Serialization;
using Ferry.Server.Endpoints.Mlflow.Tracking;

namespace Ferry.Server.Endpoints.Mlflow.LoggedModels;

/// <summary>MLflow's LoggedModelInfo.</summary>
public sealed class LoggedModelInfoMessage
{
    /// <summary>Id.</summary>
    public required string ModelId { get; set; }

    /// <summary>Experiment, as a string.</summary>
    public required string ExperimentId { get; set; }

    /// <summary>Name.</summary>
    public required string Name { get; set; }

    /// <summary>Creation, epoch ms.</summary>
    public long CreationTimestampMs { get; set; }

    /// <summary>Last change, epoch ms.</summary>
    public long LastUpdatedTimestampMs { get; set; }

    /// <summary>Where its artifacts live.</summary>
    public required string ArtifactUri { get; set; }

    /// <summary>LOGGED_MODEL_PENDING, LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED.</summary>
    public required string Status { get; set; }

    /// <summary>Model type (empty when none).</summary>
    public required string ModelType { get; set; }

    /// <summary>The run that produced it (empty when none).</summary>
    public required string SourceRunId { get; set; }

    /// <summary>Why it failed, if it did.</summary>
    public string? StatusMessage { get; set; }

    /// <summary>Tags; omitted when none.</summary>
    public List<KeyValueMessage>? Tags { get; set; }
}

/// <summary>MLflow's LoggedModelData.</summary>
public sealed class LoggedModelDataMessage
{
    /// <summary>Params; omitted when none.</summary>
    public List<KeyValueMessage>? Params { get; set; }

    /// <summary>Metrics logged with the model's id; omitted when none.</summary>
    public List<MetricMessage>? Metrics { get; set; }
}

/// <summary>MLflow's LoggedModel.</summary>
public sealed class LoggedModelMessage
{
    /// <summary>Info.</summary>
    public required LoggedModelInfoMessage Info { get; set; }

    /// <summary>Data.</summary>
    public required LoggedModelDataMessage Data { get; set; }
}

/// <summary>Body of <c>POST logged-models</c>.</summary>
public sealed class CreateLoggedModelRequest
{
    /// <summary>The experiment (string or number).</summary>
    [JsonConverter(typeof(StringOrNumberConverter))]
    public string? ExperimentId { get; set; }

    /// <summary>Name; generated when absent.</summary>
    public string? Name { get; set; }

    /// <summary>Model type.</summary>
    public string? ModelType { get; set; }

    /// <summary>The run that produced it.</summary>
    public string? SourceRunId { get; set; }

    /// <summary>Params.</summary>
    public List<KeyValueMessage>? Params { get; set; }

    /// <summary>Tags.</summary>
    public List<KeyValueMessage>? Tags { get; set; }
}

/// <summary>Body of the logged-model routes that change one model (finalize, params, tags).</summary>
public sealed class LoggedModelRequest
{
    /// <summary>The model (the route's id wins).</summary>
    public string? ModelId { get; set; }

    /// <summary>The final status, by name or number (finalize).</summary>
    [JsonConverter(typeof(StringOrNumberConverter))]
    public string? Status { get; set; }

    /// <summary>Params (params).</summary>
    public List<KeyValueMessage>? Params { get; set; }

    /// <summary>Tags (tags).</summary>
    public List<KeyValueMessage>? Tags { get; set; }
}

/// <summary>One <c>order_by</c> item of <c>logged-models/search</c>.</summary>
public sealed class LoggedModelOrderMessage
{
    /// <summary>Attribute or <c>metrics.&lt;key&gt;</c>.</summary>
    public string? FieldName { get; set; }

    /// <summary>Direction (ascending when absent).</summary>
    public bool? Ascending { get; set; }

    /// <summary>Dataset name (for metrics).</summary>
    public string? DatasetName { get; set; }

    /// <summary>Dataset digest (for metrics).</summary>
    public string? DatasetDigest { get; set; }
}

/// <summary>A dataset a search's metric filters are restricted to.</summary>
public sealed class LoggedModelDatasetMessage
{
    /// <summary>Dataset name.</summary>
    public string? DatasetName { get; set; }

    /// <summary>Dataset digest.</summary>
    public string? DatasetDigest { get; set; }
}

/// <summary>Body of <c>logged-models/search</c>.</summary>
public sealed class SearchLoggedModelsRequest
{
    /// <summary>Experiments searched.</summary>
    public List<string>? ExperimentIds { get; set; }

    /// <summary>Filter.</summary>
    public string? Filter { get; set; }

    /// <summary>Datasets metric filters apply to.</summary>
    public List<LoggedModelDatasetMessage>? Datasets { get; set; }

    /// <summary>Page size (default 50).</summary>
    public long? MaxResults { get; set; }

    /// <summary>Order-by items.</summary>
    public List<LoggedModelOrderMessage>? OrderBy { get; set; }

    /// <summary>Page token.</summary>
    public string? PageToken { get; set; }
}

/// <summary>Body of <c>runs/outputs</c>.</summary>
public sealed class LogOutputsRequest
{
    /// <summary>Run id.</summary>
    public string? RunId { get; set; }

    /// <summary>Models produced.</summary>
    public List<ModelOutputMessage>? Models { get; set; }
}

/// <summary><c>{"model": ...}</c></summary>
public sealed record LoggedModelResponse(LoggedModelMessage Model);

/// <summary>A page of logged models; the token is omitted on the last page.</summary>
public sealed record SearchLoggedModelsResponse(List<LoggedModelMessage> Models, string? NextPageToken);

/// <summary>Source-generated JSON metadata for the logged-model messages, with <see cref="MlflowJson.Options"/>' conventions.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreateLoggedModelRequest))]
[JsonSerializable(typeof(LoggedModelRequest))]
[JsonSerializable(typeof(SearchLoggedModelsRequest))]
[JsonSerializable(typeof(LogOutputsRequest))]
[JsonSerializable(typeof(LoggedModelResponse))]
[JsonSerializable(typeof(SearchLoggedModelsResponse))]
public sealed partial class MlflowLoggedModelsJsonContext : JsonSerializerContext;
