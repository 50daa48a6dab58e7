using System.Text.Json;
using System.Text.Json.Serialization;
using Ferry.Core.Contracts;

namespace Ferry.Server.Endpoints.Rollouts;

/// <summary>Source-generated JSON for canary ramps (web defaults; numbers may arrive as text).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(StartRolloutRequest))]
[JsonSerializable(typeof(RolloutView))]
[JsonSerializable(typeof(RolloutListView))]
public sealed partial class RolloutsJsonContext : JsonSerializerContext;
