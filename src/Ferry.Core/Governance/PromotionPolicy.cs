using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Ferry.Core.Errors;

namespace Ferry.Core.Governance;

/// <summary>
/// A registered model's effective promotion policy: its tier's defaults with the model's overrides applied.
/// A model is governed when <see cref="Approvals"/> is at least one.
/// </summary>
public sealed record PromotionPolicy
{
    /// <summary>The role an approver needs when the policy names neither role nor group.</summary>
    public const string DefaultApproverRole = "approver";

    /// <summary>The high tier's default retention floor: 183 days (six months).</summary>
    public const int HighRiskRetentionFloorDays = 183;

    /// <summary>The risk tier the defaults came from.</summary>
    public RiskTier Tier { get; init; }

    /// <summary>Approvals a request needs before its alias or stage moves (0: none).</summary>
    public int Approvals { get; init; }

    /// <summary>The lowest role an approver must hold (viewer, scientist, approver, admin); null when <see cref="ApproverGroup"/> decides.</summary>
    public string? ApproverRole { get; init; }

    /// <summary>The group an approver must belong to, or null.</summary>
    public string? ApproverGroup { get; init; }

    /// <summary>Whether the requester's own approval counts.</summary>
    public bool RequesterMayApprove { get; init; }

    /// <summary>The largest share of weighted traffic (0..1) a candidate with a pending request may take as a canary.</summary>
    public double CanaryShareMax { get; init; }

    /// <summary>Hours a request stays open before it expires.</summary>
    public int RequestExpiryHours { get; init; }

    /// <summary>Which gates run and their thresholds.</summary>
    public GateSettings Gates { get; init; } = new();

    /// <summary>
    /// The fewest days an endpoint serving this model must keep its logged predictions (EU AI Act Art. 19, 26(6): at
    /// least six months for high-risk systems); 0 for no floor. Shorter retention settings are refused.
    /// </summary>
    public int RetentionFloorDays { get; init; }

    /// <summary>True when a promotion needs at least one approval.</summary>
    [JsonIgnore]
    public bool Governed => Approvals >= 1;

    /// <summary>The defaults of a tier.</summary>
    public static PromotionPolicy Defaults(RiskTier tier) => tier switch
    {
        RiskTier.Low => new PromotionPolicy
        {
            Tier = tier,
            Approvals = 0,
            ApproverRole = DefaultApproverRole,
            RequesterMayApprove = true,
            CanaryShareMax = 1.0,
            RequestExpiryHours = 168,
            Gates = new GateSettings { RequireSignatureCompatible = true },
        },
        RiskTier.High => new PromotionPolicy
        {
            Tier = tier,
            Approvals = 2,
            ApproverRole = DefaultApproverRole,
            RequesterMayApprove = false,
            CanaryShareMax = 0.05,
            RequestExpiryHours = 168,
            RetentionFloorDays = HighRiskRetentionFloorDays,
            Gates = new GateSettings
            {
                RequireSignatureCompatible = true,
                RequireModelCard = true,
                RequireExplainability = true,
                ChampionMargin = 0.01,
                MaxDriftShare = 0.3,
            },
        },
        _ => new PromotionPolicy
        {
            Tier = RiskTier.Medium,
            Approvals = 1,
            ApproverRole = DefaultApproverRole,
            RequesterMayApprove = false,
            CanaryShareMax = 0.1,
            RequestExpiryHours = 168,
            Gates = new GateSettings { RequireSignatureCompatible = true, RequireModelCard = true, ChampionMargin = 0.01 },
        },
    };

    /// <summary>The tier's defaults with <paramref name="overrides"/> applied; refuses values out of range.</summary>
    /// <exception cref="ValidationException">An override is out of range or names an unknown gate setting.</exception>
    public static PromotionPolicy Resolve(RiskTier tier, PolicyOverrides? overrides)
    {
        var policy = Defaults(tier);
        if (overrides is null)
        {
            return policy;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (overrides.Approvals is < 0 or > 10)
        {
            errors["approvals"] = ["must be between 0 and 10"];
        }

        if (overrides.CanaryShareMax is < 0 or > 1 || overrides.CanaryShareMax is double share && double.IsNaN(share))
        {
            errors["canaryShareMax"] = ["must be between 0 and 1"];
        }

        if (overrides.RequestExpiryHours is < 1 or > 24 * 365)
        {
            errors["requestExpiryHours"] = ["must be between 1 and 8760"];
        }

        if (overrides.RetentionFloorDays is < 0 or > 36500)
        {
            errors["retentionFloorDays"] = ["must be between 0 and 36500"];
        }

        if (overrides.ApproverRole is { Length: > 0 } role && !Identity.Roles.TryParse(role, out _))
        {
            errors["approverRole"] = ["must be viewer, scientist, approver or admin"];
        }

        var gates = policy.Gates;
        if (overrides.Gates is { Count: > 0 } gateOverrides)
        {
            var merged = JsonSerializer.SerializeToNode(policy.Gates, PolicyJson.Options)!.AsObject();
            foreach (var (key, value) in gateOverrides)
            {
                var known = merged.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase));
                if (known is null)
                {
                    errors[$"gates.{key}"] = [$"is not a gate setting (known: {string.Join(", ", merged.Select(p => p.Key))})"];
                    continue;
                }

                merged[known] = value?.DeepClone();
            }

            try
            {
                gates = merged.Deserialize<GateSettings>(PolicyJson.Options) ?? gates;
            }
            catch (JsonException e)
            {
                errors[$"gates{(e.Path is { Length: > 1 } path ? path[1..] : string.Empty)}"] = ["has the wrong type"];
            }
        }

        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }

        return policy with
        {
            Approvals = overrides.Approvals ?? policy.Approvals,
            ApproverRole = overrides.ApproverRole is null ? policy.ApproverRole : overrides.ApproverRole.Length == 0 ? null : overrides.ApproverRole.ToLowerInvariant(),
            ApproverGroup = overrides.ApproverGroup is null ? policy.ApproverGroup : overrides.ApproverGroup.Length == 0 ? null : overrides.ApproverGroup,
            RequesterMayApprove = overrides.RequesterMayApprove ?? policy.RequesterMayApprove,
            CanaryShareMax = overrides.CanaryShareMax ?? policy.CanaryShareMax,
            RequestExpiryHours = overrides.RequestExpiryHours ?? policy.RequestExpiryHours,
            RetentionFloorDays = overrides.RetentionFloorDays ?? policy.RetentionFloorDays,
            Gates = gates,
        };
    }
}

/// <summary>
/// A model's overrides of its tier's defaults; a null field keeps the default. An empty <see cref="ApproverRole"/> or
/// <see cref="ApproverGroup"/> clears it. <see cref="Gates"/> holds <see cref="GateSettings"/> fields by their JSON
/// name (camelCase); a JSON null there switches that check off.
/// </summary>
public sealed record PolicyOverrides
{
    /// <summary>Approvals needed.</summary>
    public int? Approvals { get; init; }

    /// <summary>The lowest role an approver must hold.</summary>
    public string? ApproverRole { get; init; }

    /// <summary>The group an approver must belong to.</summary>
    public string? ApproverGroup { get; init; }

    /// <summary>Whether the requester's own approval counts.</summary>
    public bool? RequesterMayApprove { get; init; }

    /// <summary>The largest canary share of a candidate with a pending request.</summary>
    public double? CanaryShareMax { get; init; }

    /// <summary>Hours before a request expires.</summary>
    public int? RequestExpiryHours { get; init; }

    /// <summary>Gate settings to change, by JSON name.</summary>
    public JsonObject? Gates { get; init; }

    /// <summary>The fewest days an endpoint serving the model keeps its predictions.</summary>
    public int? RetentionFloorDays { get; init; }
}

/// <summary>The JSON conventions of policies and evidence as stored (camelCase, enums as strings).</summary>
public static class PolicyJson
{
    /// <summary>Web defaults with string enums.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
