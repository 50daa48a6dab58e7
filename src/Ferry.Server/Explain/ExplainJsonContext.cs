using System.Text.Json;
using System.Text.Json.Serialization;
using Ferry.Core.Contracts;
using Ferry.Server.Explain.ModelCards;

namespace Ferry.Server.Explain;

/// <summary>
/// Source-generated JSON for explanations, stored importance, fairness and model cards (web defaults, enums as text,
/// NaN written as text). Attribution values are numbers, text or booleans, so those are registered too.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals | JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(ExplanationListView))]
[JsonSerializable(typeof(ExplanationView))]
[JsonSerializable(typeof(CardImportance))]
[JsonSerializable(typeof(CardFairness))]
[JsonSerializable(typeof(ModelCardFields))]
[JsonSerializable(typeof(ModelCardView))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(string))]
public sealed partial class ExplainJsonContext : JsonSerializerContext;
