using System.Text.Json;
using Ferry.Core.Contracts;
using Ferry.Core.Governance;
using Ferry.Server.Governance;

namespace Ferry.Server.Endpoints.Governance;

/// <summary>Maps policies and requests to their API views (shared by Ferry's routes and MLflow's transition requests).</summary>
public static class GovernanceViews
{
    /// <summary>A policy's view.</summary>
    public static PolicyView Policy(string model, EffectivePolicy effective)
    {
        ArgumentNullException.ThrowIfNull(effective);
        var p = effective.Policy;
        return new PolicyView
        {
            Model = model,
            Revision = effective.Revision,
            Source = effective.Stored is null ? "default" : "stored",
            Tier = Tier(p.Tier),
            Governed = p.Governed,
            Approvals = p.Approvals,
            ApproverRole = p.ApproverGroup is null ? p.ApproverRole : null,
            ApproverGroup = p.ApproverGroup,
            RequesterMayApprove = p.RequesterMayApprove,
            CanaryShareMax = p.CanaryShareMax,
            RequestExpiryHours = p.RequestExpiryHours,
            RetentionFloorDays = p.RetentionFloorDays,
            Gates = JsonSerializer.SerializeToElement(p.Gates, PolicyJson.Options),
            Overrides = JsonSerializer.SerializeToElement(effective.Overrides, PolicyJson.Options),
            UpdatedBy = effective.Stored?.CreatedBy,
            UpdatedAt = effective.Stored is { } stored ? DateTimeOffset.FromUnixTimeMilliseconds(stored.CreatedAt) : null,
        };
    }

    /// <summary>A request's view.</summary>
    public static PromotionView Promotion(PromotionRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var policy = JsonSerializer.Deserialize<PromotionPolicy>(r.PolicyJson, PolicyJson.Options) ?? PromotionPolicy.Defaults(RiskTier.Medium);
        var decisions = r.Decisions.OrderBy(d => d.At).ThenBy(d => d.Id).ToList();
        return new PromotionView
        {
            Id = r.Id,
            Model = r.ModelName,
            Version = r.Version,
            Target = r.TargetAlias,
            Stage = r.TargetStage,
            ArchiveExistingVersions = r.ArchiveExisting,
            Justification = r.Justification,
            State = r.State,
            RequestedBy = r.RequestedBy,
            RequestedAt = At(r.RequestedAt),
            ExpiresAt = At(r.ExpiresAt),
            ClosedAt = r.ClosedAt is { } closed ? At(closed) : null,
            ClosedBy = r.ClosedBy,
            PolicyRevision = r.PolicyRevision,
            Policy = Element(r.PolicyJson),
            ChampionVersion = r.ChampionVersion,
            PreviousVersion = r.PreviousVersion,
            GatesPassed = r.GatesPassed,
            FailedChecks = r.FailedChecks.Length == 0 ? [] : r.FailedChecks.Split("; "),
            CardSha256 = r.CardSha256,
            Evidence = Element(r.EvidenceJson),
            Approvals = decisions.Where(d => d.Decision == "approve").Select(d => d.Actor).Distinct(StringComparer.Ordinal).Count(),
            ApprovalsNeeded = policy.Approvals,
            Decisions = [.. decisions.Select(d => new PromotionDecisionView(d.Actor, d.Decision, d.Comment, At(d.At)))],
        };
    }

    /// <summary>The tier's wire name.</summary>
    public static string Tier(RiskTier tier) => tier.ToString().ToLowerInvariant();

    private static DateTimeOffset At(long epochMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(epochMilliseconds);

    private static JsonElement Element(string json)
    {
        using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json);
        return document.RootElement.Clone();
    }
}
