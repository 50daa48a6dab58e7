using Ferry.Core.Audit;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Audit;

/// <summary>
/// Runs a mutation and appends its audit event in the same database transaction, so a change and its
/// record commit together or not at all. Appends are serialised: inside one process by a semaphore,
/// and across replicas by the provider's <see cref="IAuditChainLock"/> (a transaction-scoped advisory
/// lock on PostgreSQL). The chain's primary key on the sequence number is the last line of defence.
/// </summary>
public sealed class AuditedWriter(FerryDbContext db, TimeProvider clock, IAuditChainLock chainLock)
{
    private static readonly SemaphoreSlim ProcessLock = new(1, 1);

    /// <summary>
    /// Applies <paramref name="change"/> (which stages entity changes on the context and says what it did),
    /// appends the audit event, and commits. Returns what the change returned.
    /// </summary>
    public async Task<T> RunAsync<T>(
        string actor,
        Func<FerryDbContext, CancellationToken, Task<(T Result, AuditRecord Record)>> change,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        await ProcessLock.WaitAsync(cancellationToken);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await chainLock.AcquireAsync(db, cancellationToken);
            var (result, record) = await change(db, cancellationToken);
            var last = await db.AuditEvents.AsNoTracking()
                .OrderByDescending(e => e.Sequence)
                .FirstOrDefaultAsync(cancellationToken);
            db.AuditEvents.Add(AuditChain.Append(last, clock.GetUtcNow(), actor, record));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        catch
        {
            db.ChangeTracker.Clear();
            throw;
        }
        finally
        {
            ProcessLock.Release();
        }
    }
}
