namespace Ferry.Core.Governance;

/// <summary>Where a promotion request stands.</summary>
public static class PromotionStates
{
    /// <summary>Waiting for approvals.</summary>
    public const string Pending = "pending";

    /// <summary>Approved: the alias or stage moved.</summary>
    public const string Approved = "approved";

    /// <summary>Rejected by an approver.</summary>
    public const string Rejected = "rejected";

    /// <summary>Withdrawn by its requester.</summary>
    public const string Withdrawn = "withdrawn";

    /// <summary>Not decided before its expiry.</summary>
    public const string Expired = "expired";

    /// <summary>Every state.</summary>
    public static IReadOnlyList<string> All { get; } = [Pending, Approved, Rejected, Withdrawn, Expired];
}

/// <summary>
/// A request to give a version an alias (e.g. <c>champion</c>) or a stage (e.g. Production), with the evidence frozen
/// when it was made and every decision on it. Times are epoch ms.
/// </summary>
public sealed class PromotionRequest
{
    /// <summary>The request's id.</summary>
    public Guid Id { get; set; }

    /// <summary>The registered model.</summary>
    public required string ModelName { get; set; }

    /// <summary>The candidate version.</summary>
    public int Version { get; set; }

    /// <summary>The alias it would take, or null for a stage move.</summary>
    public string? TargetAlias { get; set; }

    /// <summary>The stage it would move to, or null for an alias.</summary>
    public string? TargetStage { get; set; }

    /// <summary>For a stage move: archive the versions already in that stage.</summary>
    public bool ArchiveExisting { get; set; }

    /// <summary>Why the requester asks.</summary>
    public string Justification { get; set; } = string.Empty;

    /// <summary>pending, approved, rejected, withdrawn or expired (<see cref="PromotionStates"/>).</summary>
    public string State { get; set; } = PromotionStates.Pending;

    /// <summary>Who asked.</summary>
    public string RequestedBy { get; set; } = string.Empty;

    /// <summary>When.</summary>
    public long RequestedAt { get; set; }

    /// <summary>When it expires unless decided.</summary>
    public long ExpiresAt { get; set; }

    /// <summary>When it left pending.</summary>
    public long? ClosedAt { get; set; }

    /// <summary>Who closed it (the last approver, the rejecter, the requester, or <c>system</c>).</summary>
    public string? ClosedBy { get; set; }

    /// <summary>The policy revision in force (0: the installation default).</summary>
    public int PolicyRevision { get; set; }

    /// <summary>The effective policy, frozen (<see cref="PromotionPolicy"/> as JSON).</summary>
    public string PolicyJson { get; set; } = "{}";

    /// <summary>The version the target pointed at when the request was made.</summary>
    public int? ChampionVersion { get; set; }

    /// <summary>The version the target pointed at just before it moved (when approved).</summary>
    public int? PreviousVersion { get; set; }

    /// <summary>The gates' evidence, frozen (<see cref="GateEvidence"/> as JSON).</summary>
    public string EvidenceJson { get; set; } = "{}";

    /// <summary>True when no gate check failed.</summary>
    public bool GatesPassed { get; set; }

    /// <summary>The failing checks, one line each (empty when none).</summary>
    public string FailedChecks { get; set; } = string.Empty;

    /// <summary>SHA-256 (hex) of the candidate's model-card fields as stored; null without a card.</summary>
    public string? CardSha256 { get; set; }

    /// <summary>Approvals and rejections, in order.</summary>
    public List<PromotionDecision> Decisions { get; set; } = [];
}

/// <summary>One approval or rejection of a request.</summary>
public sealed class PromotionDecision
{
    /// <summary>Row id.</summary>
    public long Id { get; set; }

    /// <summary>The request.</summary>
    public Guid RequestId { get; set; }

    /// <summary>Who decided.</summary>
    public string Actor { get; set; } = string.Empty;

    /// <summary><c>approve</c> or <c>reject</c>.</summary>
    public string Decision { get; set; } = string.Empty;

    /// <summary>Their comment.</summary>
    public string Comment { get; set; } = string.Empty;

    /// <summary>When, epoch ms.</summary>
    public long At { get; set; }
}

/// <summary>What an approval did.</summary>
/// <param name="Request">The request after the decision.</param>
/// <param name="Moved">True when this approval was the last one and the alias or stage moved.</param>
public sealed record ApprovalOutcome(PromotionRequest Request, bool Moved);

/// <summary>
/// Port: promotion requests. Decisions are checked and applied in one transaction with their audit event; the final
/// approval moves the alias or stage in that same transaction.
/// </summary>
public interface IPromotionStore
{
    /// <summary>Stores a new pending request (audited <c>promotion.request</c>).</summary>
    Task<PromotionRequest> CreateAsync(PromotionRequest request, CancellationToken cancellationToken = default);

    /// <summary>A request with its decisions, or null.</summary>
    Task<PromotionRequest?> FindAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Requests, newest first, filtered by model and state when given.</summary>
    Task<IReadOnlyList<PromotionRequest>> ListAsync(string? modelName, string? state, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records an approval by <paramref name="actor"/>. Refuses (ConflictException) a request that is not pending or has
    /// expired by <paramref name="now"/>, whose gates failed, the requester when the frozen policy forbids it, and a
    /// second approval by the same person. When the approvals reach the frozen policy's count the alias or stage moves.
    /// </summary>
    /// <param name="id">The request.</param>
    /// <param name="actor">The approver.</param>
    /// <param name="comment">Their comment.</param>
    /// <param name="now">The time, epoch ms.</param>
    /// <param name="archiveExisting">For a stage request: overrides whether the versions already in the stage are archived (MLflow's approve carries it).</param>
    /// <param name="cancellationToken">Cancels.</param>
    Task<ApprovalOutcome> ApproveAsync(Guid id, string actor, string comment, long now, bool? archiveExisting = null, CancellationToken cancellationToken = default);

    /// <summary>Rejects a pending request.</summary>
    Task<PromotionRequest> RejectAsync(Guid id, string actor, string comment, long now, CancellationToken cancellationToken = default);

    /// <summary>Withdraws a pending request (only its requester may).</summary>
    Task<PromotionRequest> WithdrawAsync(Guid id, string actor, long now, CancellationToken cancellationToken = default);

    /// <summary>Marks every pending request whose expiry is at or before <paramref name="now"/> expired; returns them.</summary>
    Task<IReadOnlyList<PromotionRequest>> ExpireDueAsync(long now, CancellationToken cancellationToken = default);
}
