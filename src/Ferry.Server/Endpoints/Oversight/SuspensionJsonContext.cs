using System.Text.Json;
using System.Text.Json.Serialization;
using Ferry.Core.Contracts;

namespace Ferry.Server.Endpoints.Oversight;

/// <summary>Source-generated JSON for the suspension routes (web defaults).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SuspendRequest))]
[JsonSerializable(typeof(ResumeRequest))]
[JsonSerializable(typeof(SuspensionView))]
public sealed partial class SuspensionJsonContext : JsonSerializerContext;
