using System.Text.Json.Serialization;

namespace Ferry.Server.Endpoints.Mlflow.Registry;

/// <summary>Source-generated JSON for the registry messages, with <see cref="MlflowJson.Options"/>' conventions.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RegistryRequest))]
[JsonSerializable(typeof(RegisteredModelResponse))]
[JsonSerializable(typeof(RegisteredModelsResponse))]
[JsonSerializable(typeof(ModelVersionResponse))]
[JsonSerializable(typeof(ModelVersionsResponse))]
[JsonSerializable(typeof(DownloadUriResponse))]
public sealed partial class MlflowRegistryJsonContext : JsonSerializerContext;
