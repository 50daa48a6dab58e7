using Ferry.Core.Audit;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Audit;

/// <summary>Reads and verifies the audit chain stored in <see cref="FerryDbContext"/>; appends through <paramref name="writer"/>.</summary>
/// <param name="db">The database.</param>
/// <param name="writer">Appends events (null for a read-only log, as the offline verifier opens).</param>
public sealed class AuditLog(FerryDbContext db, AuditedWriter? writer = null) : IAuditLog
{
    /// <summary>The most events one query returns.</summary>
    public const int MaxLimit = AuditQuery.MaxLimit;

    /// <inheritdoc />
    public Task RecordAsync(string actor, AuditRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (writer is null)
        {
            throw new InvalidOperationException("This audit log was opened read-only.");
        }

        return writer.RunAsync(actor, (_, _) => Task.FromResult((true, record)), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AuditEvent>> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var events = db.AuditEvents.AsNoTracking();
        if (query.Actor is { } actor)
        {
            events = events.Where(e => e.Actor == actor);
        }

        if (query.Action is { } action)
        {
            events = action.EndsWith('.')
                ? events.Where(e => e.Action.StartsWith(action))
                : events.Where(e => e.Action == action);
        }

        if (query.Target is { } target)
        {
            events = target.EndsWith('/')
                ? events.Where(e => e.Target.StartsWith(target))
                : events.Where(e => e.Target == target);
        }

        if (query.From is { } from)
        {
            var fromUtc = from.ToUniversalTime();
            events = events.Where(e => e.OccurredAt >= fromUtc);
        }

        if (query.To is { } to)
        {
            var toUtc = to.ToUniversalTime();
            events = events.Where(e => e.OccurredAt < toUtc);
        }

        if (query.AfterSequence is { } after)
        {
            events = events.Where(e => e.Sequence > after);
        }

        if (query.BeforeSequence is { } before)
        {
            events = events.Where(e => e.Sequence < before);
        }

        var limit = Math.Clamp(query.Limit, 1, MaxLimit);
        var ordered = query.NewestFirst ? events.OrderByDescending(e => e.Sequence) : events.OrderBy(e => e.Sequence);
        return await ordered.Take(limit).ToListAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default) =>
        AuditVerifier.VerifyAsync(db.AuditEvents.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable(), cancellationToken);
}
