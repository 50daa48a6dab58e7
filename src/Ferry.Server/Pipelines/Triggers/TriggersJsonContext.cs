using System.Text.Json;
using System.Text.Json.Serialization;
using Ferry.Core.Contracts;

namespace Ferry.Server.Pipelines.Triggers;

/// <summary>Source-generated JSON of the trigger firings' API (web defaults).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(FiringListView))]
public sealed partial class TriggersJsonContext : JsonSerializerContext;
