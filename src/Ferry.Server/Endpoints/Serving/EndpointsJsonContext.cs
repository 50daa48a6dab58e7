using System.Text.Json;
using System.Text.Json.Serialization;
using Ferry.Core.Contracts;

namespace Ferry.Server.Endpoints.Serving;

/// <summary>
/// Source-generated JSON for endpoint management (web defaults; numbers may arrive as text, so a version can be sent
/// as MLflow writes it, <c>"3"</c>).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(DeployBody))]
[JsonSerializable(typeof(BatchingBody))]
[JsonSerializable(typeof(DurabilityBody))]
[JsonSerializable(typeof(InvocationsOutputBody))]
[JsonSerializable(typeof(EndpointView))]
[JsonSerializable(typeof(EndpointListView))]
public sealed partial class EndpointsJsonContext : JsonSerializerContext;
