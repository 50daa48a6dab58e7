using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ferry.Core.Contracts;

/// <summary>
/// <c>PUT /api/v1/models/{name}/policy</c>: the tier and the overrides of its defaults (a null field keeps the tier's
/// default; an empty approverRole or approverGroup clears it; <see cref="Gates"/> holds gate settings by JSON name,
/// where a null switches that check off). Each PUT stores a new revision holding exactly these overrides.
/// </summary>
public sealed record PolicyUpdate
{
    /// <summary>low, medium or high.</summary>
    public string? Tier { get; init; }

    /// <summary>Approvals needed (0..10).</summary>
    public int? Approvals { get; init; }

    /// <summary>The lowest role an approver must hold.</summary>
    public string? ApproverRole { get; init; }

    /// <summary>The group an approver must belong to (decides instead of the role when set).</summary>
    public string? ApproverGroup { get; init; }

    /// <summary>Whether the requester's own approval counts.</summary>
    public bool? RequesterMayApprove { get; init; }

    /// <summary>Largest canary share (0..1) of a candidate with a pending request.</summary>
    public double? CanaryShareMax { get; init; }

    /// <summary>Hours before a request expires.</summary>
    public int? RequestExpiryHours { get; init; }

    /// <summary>Gate settings to change (e.g. <c>{"minAuc": 0.75, "championMargin": 0.02}</c>).</summary>
    public JsonObject? Gates { get; init; }

    /// <summary>The fewest days an endpoint serving the model keeps its predictions (0..36500; high tier default 183).</summary>
    public int? RetentionFloorDays { get; init; }
}

/// <summary>A model's effective promotion policy.</summary>
public sealed record PolicyView
{
    /// <summary>The registered model.</summary>
    public required string Model { get; init; }

    /// <summary>The stored revision; 0 when the installation default applies.</summary>
    public int Revision { get; init; }

    /// <summary><c>stored</c> or <c>default</c>.</summary>
    public required string Source { get; init; }

    /// <summary>low, medium or high.</summary>
    public required string Tier { get; init; }

    /// <summary>True when promotions need at least one approval (direct moves of champion/Production are refused).</summary>
    public bool Governed { get; init; }

    /// <summary>Approvals needed.</summary>
    public int Approvals { get; init; }

    /// <summary>The lowest role an approver must hold (when no group is named).</summary>
    public string? ApproverRole { get; init; }

    /// <summary>The group an approver must belong to.</summary>
    public string? ApproverGroup { get; init; }

    /// <summary>Whether the requester's own approval counts.</summary>
    public bool RequesterMayApprove { get; init; }

    /// <summary>Largest canary share of a candidate with a pending request.</summary>
    public double CanaryShareMax { get; init; }

    /// <summary>Hours before a request expires.</summary>
    public int RequestExpiryHours { get; init; }

    /// <summary>The fewest days an endpoint serving the model keeps its predictions (0: no floor).</summary>
    public int RetentionFloorDays { get; init; }

    /// <summary>The effective gate settings.</summary>
    public JsonElement Gates { get; init; }

    /// <summary>The stored overrides of the tier's defaults.</summary>
    public JsonElement Overrides { get; init; }

    /// <summary>Who stored the revision.</summary>
    public string? UpdatedBy { get; init; }

    /// <summary>When.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>A model's policy revisions, newest first.</summary>
/// <param name="Model">The registered model.</param>
/// <param name="Revisions">Each stored revision as it was in force.</param>
public sealed record PolicyHistoryView(string Model, IReadOnlyList<PolicyView> Revisions);

/// <summary><c>POST /api/v1/models/{name}/versions/{v}/promotions</c>.</summary>
public sealed record PromotionRequestBody
{
    /// <summary>The alias to take, e.g. <c>champion</c> (or use <see cref="Stage"/>).</summary>
    public string? Target { get; init; }

    /// <summary>The stage to move to, e.g. <c>Production</c>.</summary>
    public string? Stage { get; init; }

    /// <summary>Why.</summary>
    public string? Justification { get; init; }

    /// <summary>For a stage move: archive the versions already in that stage.</summary>
    public bool? ArchiveExistingVersions { get; init; }
}

/// <summary><c>POST /api/v1/promotions/{id}/approve|reject</c>.</summary>
public sealed record PromotionDecisionBody
{
    /// <summary>The approver's comment.</summary>
    public string? Comment { get; init; }
}

/// <summary><c>POST /api/v1/models/{name}/versions/{v}/gates</c>.</summary>
public sealed record GateRunBody
{
    /// <summary>The alias the candidate would take and is compared with (default <c>champion</c>).</summary>
    public string? Against { get; init; }
}

/// <summary>The gates' evidence for a version, evaluated now.</summary>
public sealed record GateRunView
{
    /// <summary>The registered model.</summary>
    public required string Model { get; init; }

    /// <summary>The candidate.</summary>
    public int Version { get; init; }

    /// <summary>The alias it was evaluated against.</summary>
    public string? Against { get; init; }

    /// <summary>The version that alias points at now.</summary>
    public int? ChampionVersion { get; init; }

    /// <summary>The policy's tier.</summary>
    public required string Tier { get; init; }

    /// <summary>True when no check failed.</summary>
    public bool Passed { get; init; }

    /// <summary>The evidence (<c>results</c>, <c>metrics</c>, <c>fairness</c>, <c>rocCurves</c>, ...).</summary>
    public JsonElement Evidence { get; init; }
}

/// <summary>One approval or rejection.</summary>
/// <param name="Actor">Who.</param>
/// <param name="Decision">approve or reject.</param>
/// <param name="Comment">Their comment.</param>
/// <param name="At">When.</param>
public sealed record PromotionDecisionView(string Actor, string Decision, string Comment, DateTimeOffset At);

/// <summary>A promotion request with its frozen evidence and every decision.</summary>
public sealed record PromotionView
{
    /// <summary>The request's id.</summary>
    public Guid Id { get; init; }

    /// <summary>The registered model.</summary>
    public required string Model { get; init; }

    /// <summary>The candidate version.</summary>
    public int Version { get; init; }

    /// <summary>The alias it would take.</summary>
    public string? Target { get; init; }

    /// <summary>The stage it would move to.</summary>
    public string? Stage { get; init; }

    /// <summary>For a stage move: archive the versions already there.</summary>
    public bool ArchiveExistingVersions { get; init; }

    /// <summary>Why.</summary>
    public required string Justification { get; init; }

    /// <summary>pending, approved, rejected, withdrawn or expired.</summary>
    public required string State { get; init; }

    /// <summary>Who asked.</summary>
    public required string RequestedBy { get; init; }

    /// <summary>When.</summary>
    public DateTimeOffset RequestedAt { get; init; }

    /// <summary>When it expires unless decided.</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>When it left pending.</summary>
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>Who closed it.</summary>
    public string? ClosedBy { get; init; }

    /// <summary>The policy revision in force (0: the installation default).</summary>
    public int PolicyRevision { get; init; }

    /// <summary>The effective policy, frozen with the request.</summary>
    public JsonElement Policy { get; init; }

    /// <summary>The version the target pointed at when the request was made.</summary>
    public int? ChampionVersion { get; init; }

    /// <summary>The version the target pointed at just before it moved.</summary>
    public int? PreviousVersion { get; init; }

    /// <summary>True when no gate check failed.</summary>
    public bool GatesPassed { get; init; }

    /// <summary>The failing checks (<c>gate: check</c>).</summary>
    public IReadOnlyList<string> FailedChecks { get; init; } = [];

    /// <summary>SHA-256 of the candidate's model-card fields when the request was made.</summary>
    public string? CardSha256 { get; init; }

    /// <summary>The gates' evidence, frozen.</summary>
    public JsonElement Evidence { get; init; }

    /// <summary>Distinct approvals so far.</summary>
    public int Approvals { get; init; }

    /// <summary>Approvals needed.</summary>
    public int ApprovalsNeeded { get; init; }

    /// <summary>Approvals and rejections in order.</summary>
    public IReadOnlyList<PromotionDecisionView> Decisions { get; init; } = [];
}

/// <summary>A list of promotion requests, newest first.</summary>
/// <param name="Promotions">The requests.</param>
public sealed record PromotionListView(IReadOnlyList<PromotionView> Promotions);
