using System.Text.Json.Serialization;

namespace Ferry.Server.Endpoints.Mlflow.Tracking;

/// <summary>Source-generated JSON metadata for the tracking messages, with <see cref="MlflowJson.Options"/>' conventions.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreateExperimentRequest))]
[JsonSerializable(typeof(ExperimentRequest))]
[JsonSerializable(typeof(SearchExperimentsRequest))]
[JsonSerializable(typeof(CreateRunRequest))]
[JsonSerializable(typeof(RunRequest))]
[JsonSerializable(typeof(LogMetricRequest))]
[JsonSerializable(typeof(LogBatchRequest))]
[JsonSerializable(typeof(LogInputsRequest))]
[JsonSerializable(typeof(SearchRunsRequest))]
[JsonSerializable(typeof(ExperimentResponse))]
[JsonSerializable(typeof(CreateExperimentResponse))]
[JsonSerializable(typeof(SearchExperimentsResponse))]
[JsonSerializable(typeof(RunResponse))]
[JsonSerializable(typeof(UpdateRunResponse))]
[JsonSerializable(typeof(SearchRunsResponse))]
[JsonSerializable(typeof(MetricHistoryResponse))]
public sealed partial class MlflowTrackingJsonContext : JsonSerializerContext;
