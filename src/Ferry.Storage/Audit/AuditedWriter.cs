using System.Collections.Concurrent;
using Ferry.Core.Audit;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Audit;

/// <summary>
/// Runs a mutation and appends its audit event in the same database transaction, so a change and its
/// record commit together or not at all. Appends are serialised: inside one process by a lock per database,
/// and across replicas by the provider's <see cref="IAuditChainLock"/> (a transaction-scoped advisory
/// lock on PostgreSQL). The chain's primary key on the sequence number is the last line of defence.
/// </summary>
/// <remarks>
/// <para>
/// Group commit: changes that arrive while another commit holds the lock queue up, and the next writer to take the
/// lock runs every queued change (up to <see cref="MaxGroup"/>) in one transaction on its own context, each change in
/// its own savepoint, then commits once. A commit's cost is mostly the database's durable flush (an <c>fsync</c> of
/// SQLite's write-ahead log), so concurrent writers share it instead of queueing for one each. Each change still
/// stands alone: one that throws is rolled back to its savepoint and its caller gets the exception, while the others
/// commit; a failed commit fails every change of the group, and none is kept. A caller learns its change succeeded
/// only after the commit that holds it.
/// </para>
/// <para>
/// A change must do its reads and writes through the context it is given (which may belong to another request's
/// writer) and must not depend on the change tracker after it returns: the tracker is cleared after each change.
/// </para>
/// </remarks>
public sealed class AuditedWriter(FerryDbContext db, TimeProvider clock, IAuditChainLock chainLock)
{
    /// <summary>The most changes one transaction takes from the queue.</summary>
    public const int MaxGroup = 64;

    private const string Savepoint = "ferry_audited_change";

    private static readonly ConcurrentDictionary<string, WriteQueue> Queues = new(StringComparer.Ordinal);

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
        cancellationToken.ThrowIfCancellationRequested();
        var queue = Queues.GetOrAdd(db.Database.GetConnectionString() ?? string.Empty, static _ => new WriteQueue());
        var pending = new PendingChange<T>(actor, change, cancellationToken);
        queue.Changes.Enqueue(pending);
        try
        {
            await queue.Lock.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (!pending.TryWithdraw())
        {
            return await pending.Completion; // another writer took it first: its outcome stands
        }

        try
        {
            // Changes queued before this one go first, so with more than a group's worth queued it may take a few.
            while (!pending.Taken)
            {
                await CommitGroupAsync(queue);
            }
        }
        finally
        {
            queue.Lock.Release();
        }

        return await pending.Completion;
    }

    private async Task CommitGroupAsync(WriteQueue queue)
    {
        var group = new List<PendingChange>();
        while (group.Count < MaxGroup && queue.Changes.TryDequeue(out var next))
        {
            if (next.TryTake())
            {
                group.Add(next);
            }
        }

        var applied = new List<PendingChange>(group.Count);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
            await chainLock.AcquireAsync(db, CancellationToken.None);
            var last = await db.AuditEvents.AsNoTracking().OrderByDescending(e => e.Sequence).FirstOrDefaultAsync(CancellationToken.None);
            foreach (var change in group)
            {
                // Alone in its transaction, a change needs no savepoint: a failure rolls the whole transaction back.
                var alone = group.Count == 1;
                if (!alone)
                {
                    await transaction.CreateSavepointAsync(Savepoint, CancellationToken.None);
                }

                try
                {
                    var record = await change.ApplyAsync(db);
                    var appended = AuditChain.Append(last, clock.GetUtcNow(), change.Actor, record);
                    db.AuditEvents.Add(appended);
                    await db.SaveChangesAsync(change.CancellationToken);
                    last = appended;
                    applied.Add(change);
                    if (!alone)
                    {
                        await transaction.ReleaseSavepointAsync(Savepoint, CancellationToken.None);
                    }
                }
                catch (Exception e)
                {
                    if (!alone)
                    {
                        await transaction.RollbackToSavepointAsync(Savepoint, CancellationToken.None);
                    }

                    change.Fail(e);
                }
                finally
                {
                    db.ChangeTracker.Clear();
                }
            }

            if (applied.Count > 0)
            {
                await transaction.CommitAsync(CancellationToken.None);
            }
        }
        catch (Exception e)
        {
            db.ChangeTracker.Clear();
            foreach (var change in group)
            {
                change.Fail(e); // nothing of the group was kept
            }

            return;
        }

        foreach (var change in applied)
        {
            change.Succeed();
        }
    }

    /// <summary>The queue of changes waiting for one database, and the lock its commits take turns on.</summary>
    private sealed class WriteQueue
    {
        public ConcurrentQueue<PendingChange> Changes { get; } = new();

        public SemaphoreSlim Lock { get; } = new(1, 1);
    }

    /// <summary>A change waiting for a commit: queued, then taken by one writer or withdrawn by its cancelled caller.</summary>
    private abstract class PendingChange(string actor, CancellationToken cancellationToken)
    {
        private const int Queued = 0;
        private const int TakenState = 1;
        private const int Withdrawn = 2;
        private int _state;

        public string Actor { get; } = actor;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public bool Taken => Volatile.Read(ref _state) == TakenState;

        public bool TryTake() => Interlocked.CompareExchange(ref _state, TakenState, Queued) == Queued;

        public bool TryWithdraw() => Interlocked.CompareExchange(ref _state, Withdrawn, Queued) == Queued;

        /// <summary>Runs the change on <paramref name="context"/> and keeps its result until the commit.</summary>
        public abstract Task<AuditRecord> ApplyAsync(FerryDbContext context);

        /// <summary>The change was committed: its caller gets its result.</summary>
        public abstract void Succeed();

        /// <summary>The change, or the commit that held it, failed: its caller gets the exception (the first one only).</summary>
        public abstract void Fail(Exception exception);
    }

    private sealed class PendingChange<T>(
        string actor,
        Func<FerryDbContext, CancellationToken, Task<(T Result, AuditRecord Record)>> change,
        CancellationToken cancellationToken) : PendingChange(actor, cancellationToken)
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public Task<T> Completion => _completion.Task;

        public override async Task<AuditRecord> ApplyAsync(FerryDbContext context)
        {
            var (result, record) = await change(context, CancellationToken);
            _result = result;
            return record;
        }

        public override void Succeed() => _completion.TrySetResult(_result);

        public override void Fail(Exception exception)
        {
            if (exception is OperationCanceledException canceled)
            {
                _completion.TrySetCanceled(canceled.CancellationToken);
            }
            else
            {
                _completion.TrySetException(exception);
            }
        }
    }
}
