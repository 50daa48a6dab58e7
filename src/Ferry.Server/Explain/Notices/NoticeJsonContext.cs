using System.Text.Json;
using System.Text.Json.Serialization;
using Ferry.Core.Contracts;

namespace Ferry.Server.Explain.Notices;

/// <summary>Source-generated JSON for decision notices (web defaults, NaN as text); factor values are numbers, text or booleans.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(DecisionNoticeView))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(string))]
public sealed partial class NoticeJsonContext : JsonSerializerContext;
