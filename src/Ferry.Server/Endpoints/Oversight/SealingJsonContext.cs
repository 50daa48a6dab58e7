using System.Text.Json;
using System.Text.Json.Serialization;
using Ferry.Core.Contracts;
using Ferry.Core.Oversight;

namespace Ferry.Server.Endpoints.Oversight;

/// <summary>Source-generated JSON for sealing, seal verification and endpoint retention.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SealResult))]
[JsonSerializable(typeof(PredictionSealVerification))]
[JsonSerializable(typeof(RetentionUpdate))]
[JsonSerializable(typeof(RetentionView))]
public sealed partial class SealingJsonContext : JsonSerializerContext;
