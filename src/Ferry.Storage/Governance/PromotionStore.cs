using System.Text.Json;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Governance;
using Ferry.Storage.Audit;
using Ferry.Storage.Registry;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Governance;

/// <summary>
/// Promotion requests and their decisions. Every change is one audited transaction; the approval that completes a
/// request moves its alias or stage in that same transaction (<see cref="RegistryMoves"/>), so the registry never
/// shows a promotion its record lacks, nor the reverse.
/// </summary>
public sealed class PromotionStore(FerryDbContext db, AuditedWriter writer) : IPromotionStore
{
    private const string Approve = "approve";
    private const string Reject = "reject";

    /// <inheritdoc />
    public Task<PromotionRequest> CreateAsync(PromotionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return writer.RunAsync(request.RequestedBy, async (context, ct) =>
        {
            context.PromotionRequests.Add(request);
            var policy = PolicyOf(request);
            object? moved = null;
            if (policy.Approvals == 0 && request.GatesPassed)
            {
                // No approval needed: the request completes as it is made.
                moved = await MoveAsync(context, request, request.RequestedAt, ct);
                request.State = PromotionStates.Approved;
                request.ClosedAt = request.RequestedAt;
                request.ClosedBy = request.RequestedBy;
            }

            return (request, AuditRecord.Of("promotion.request", Target(request), new
            {
                request.Id,
                request.TargetAlias,
                request.TargetStage,
                request.Justification,
                request.GatesPassed,
                request.PolicyRevision,
                request.CardSha256,
                request.State,
                Moved = moved,
            }));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<PromotionRequest?> FindAsync(Guid id, CancellationToken cancellationToken = default) =>
        db.PromotionRequests.AsNoTracking().Include(r => r.Decisions).FirstOrDefaultAsync(r => r.Id == id, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<PromotionRequest>> ListAsync(string? modelName, string? state, CancellationToken cancellationToken = default)
    {
        var query = db.PromotionRequests.AsNoTracking().Include(r => r.Decisions).AsQueryable();
        if (modelName is not null)
        {
            query = query.Where(r => r.ModelName == modelName);
        }

        if (state is not null)
        {
            query = query.Where(r => r.State == state);
        }

        var found = await query.ToListAsync(cancellationToken);
        return [.. found.OrderByDescending(r => r.RequestedAt).ThenByDescending(r => r.Id)];
    }

    /// <inheritdoc />
    public Task<ApprovalOutcome> ApproveAsync(Guid id, string actor, string comment, long now, bool? archiveExisting = null, CancellationToken cancellationToken = default) =>
        writer.RunAsync(actor, async (context, ct) =>
        {
            var request = await PendingAsync(context, id, now, ct);
            if (!request.GatesPassed)
            {
                throw new ConflictException($"Promotion request {id} cannot be approved: its gates failed ({request.FailedChecks}). Fix the candidate and open a new request.");
            }

            var policy = PolicyOf(request);
            if (string.Equals(actor, request.RequestedBy, StringComparison.Ordinal) && !policy.RequesterMayApprove)
            {
                throw new ConflictException($"Four eyes: '{actor}' requested promotion {id} and may not approve it; another approver must.");
            }

            if (request.Decisions.Any(d => d.Decision == Approve && string.Equals(d.Actor, actor, StringComparison.Ordinal)))
            {
                throw new ConflictException($"'{actor}' has already approved promotion request {id}; each approver counts once.");
            }

            if (archiveExisting is { } archive && request.TargetStage is not null)
            {
                request.ArchiveExisting = archive;
            }

            request.Decisions.Add(new PromotionDecision { RequestId = id, Actor = actor, Decision = Approve, Comment = comment ?? string.Empty, At = now });
            var approvals = request.Decisions.Where(d => d.Decision == Approve).Select(d => d.Actor).Distinct(StringComparer.Ordinal).Count();
            var needed = Math.Max(1, policy.Approvals);
            object? moved = null;
            if (approvals >= needed)
            {
                moved = await MoveAsync(context, request, now, ct);
                request.State = PromotionStates.Approved;
                request.ClosedAt = now;
                request.ClosedBy = actor;
            }

            return (new ApprovalOutcome(request, moved is not null), AuditRecord.Of("promotion.approve", Target(request), new
            {
                request.Id,
                Comment = comment,
                Approvals = approvals,
                Needed = needed,
                request.State,
                Moved = moved,
            }));
        }, cancellationToken);

    /// <inheritdoc />
    public Task<PromotionRequest> RejectAsync(Guid id, string actor, string comment, long now, CancellationToken cancellationToken = default) =>
        writer.RunAsync(actor, async (context, ct) =>
        {
            var request = await PendingAsync(context, id, now, ct);
            request.Decisions.Add(new PromotionDecision { RequestId = id, Actor = actor, Decision = Reject, Comment = comment ?? string.Empty, At = now });
            request.State = PromotionStates.Rejected;
            request.ClosedAt = now;
            request.ClosedBy = actor;
            return (request, AuditRecord.Of("promotion.reject", Target(request), new { request.Id, Comment = comment }));
        }, cancellationToken);

    /// <inheritdoc />
    public Task<PromotionRequest> WithdrawAsync(Guid id, string actor, long now, CancellationToken cancellationToken = default) =>
        writer.RunAsync(actor, async (context, ct) =>
        {
            var request = await PendingAsync(context, id, now, ct);
            if (!string.Equals(actor, request.RequestedBy, StringComparison.Ordinal))
            {
                throw new ConflictException($"Only its requester ('{request.RequestedBy}') may withdraw promotion request {id}.");
            }

            request.State = PromotionStates.Withdrawn;
            request.ClosedAt = now;
            request.ClosedBy = actor;
            return (request, AuditRecord.Of("promotion.withdraw", Target(request), new { request.Id }));
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<PromotionRequest>> ExpireDueAsync(long now, CancellationToken cancellationToken = default)
    {
        // Cheap check first: most reads find nothing to expire and write nothing.
        if (!await db.PromotionRequests.AnyAsync(r => r.State == PromotionStates.Pending && r.ExpiresAt <= now, cancellationToken))
        {
            return [];
        }

        return await writer.RunAsync("system", async (context, ct) =>
        {
            var due = await context.PromotionRequests.Include(r => r.Decisions)
                .Where(r => r.State == PromotionStates.Pending && r.ExpiresAt <= now).ToListAsync(ct);
            foreach (var request in due)
            {
                request.State = PromotionStates.Expired;
                request.ClosedAt = now;
                request.ClosedBy = "system";
            }

            IReadOnlyList<PromotionRequest> result = due;
            return (result, AuditRecord.Of("promotion.expire", "promotions", new { Requests = due.Select(r => r.Id).ToList() }));
        }, cancellationToken);
    }

    private static async Task<PromotionRequest> PendingAsync(FerryDbContext context, Guid id, long now, CancellationToken cancellationToken)
    {
        var request = await context.PromotionRequests.Include(r => r.Decisions).FirstOrDefaultAsync(r => r.Id == id, cancellationToken)
            ?? throw new NotFoundException($"No promotion request has id {id}.");
        if (request.State != PromotionStates.Pending)
        {
            throw new ConflictException($"Promotion request {id} is {request.State}, not pending.");
        }

        return request.ExpiresAt <= now ? throw new ConflictException($"Promotion request {id} has expired.") : request;
    }

    private static async Task<object> MoveAsync(FerryDbContext context, PromotionRequest request, long now, CancellationToken cancellationToken)
    {
        if (request.TargetAlias is { } alias)
        {
            var before = await RegistryMoves.MoveAliasAsync(context, request.ModelName, alias, request.Version, now, cancellationToken);
            request.PreviousVersion = before;
            return new { Alias = alias, Before = before, After = request.Version };
        }

        var (stage, archived) = await RegistryMoves.MoveStageAsync(context, request.ModelName, request.Version, request.TargetStage!, request.ArchiveExisting, now, cancellationToken);
        return new { Stage = request.TargetStage, Before = stage, ArchivedVersions = archived };
    }

    private static PromotionPolicy PolicyOf(PromotionRequest request) =>
        JsonSerializer.Deserialize<PromotionPolicy>(request.PolicyJson, PolicyJson.Options) ?? PromotionPolicy.Defaults(RiskTier.Medium);

    private static string Target(PromotionRequest request) => $"model/{request.ModelName}/{request.Version}";
}
