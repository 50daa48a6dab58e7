namespace Ferry.Storage.Audit;

/// <summary>
/// Serialises audit appends across processes for the duration of the current transaction.
/// Each provider registers its own (PostgreSQL: <c>pg_advisory_xact_lock</c>; SQLite: writes are
/// already serialised by the database file, so the lock is the transaction itself).
/// </summary>
public interface IAuditChainLock
{
    /// <summary>Takes the lock inside the transaction already open on <paramref name="db"/>.</summary>
    Task AcquireAsync(FerryDbContext db, CancellationToken cancellationToken);
}
