namespace Ferry.Storage;

/// <summary>Provider-specific steps run once at start-up, before migrations (e.g. SQLite's WAL mode).</summary>
public interface IDatabasePreparer
{
    /// <summary>Prepares the database behind <paramref name="db"/>.</summary>
    Task PrepareAsync(FerryDbContext db, CancellationToken cancellationToken);
}
