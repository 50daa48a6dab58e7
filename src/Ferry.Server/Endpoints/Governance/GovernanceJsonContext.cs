using System.Text.Json;
using System.Text.Json.Serialization;
using Ferry.Core.Contracts;

namespace Ferry.Server.Endpoints.Governance;

/// <summary>Source-generated JSON for policies, gates and promotion requests (web defaults).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(PolicyUpdate))]
[JsonSerializable(typeof(PolicyView))]
[JsonSerializable(typeof(PolicyHistoryView))]
[JsonSerializable(typeof(PromotionRequestBody))]
[JsonSerializable(typeof(PromotionDecisionBody))]
[JsonSerializable(typeof(GateRunBody))]
[JsonSerializable(typeof(GateRunView))]
[JsonSerializable(typeof(PromotionView))]
[JsonSerializable(typeof(PromotionListView))]
public sealed partial class GovernanceJsonContext : JsonSerializerContext;
