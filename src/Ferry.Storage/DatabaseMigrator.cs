using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage;

/// <summary>Prepares and migrates the metadata database; used at start-up and by readiness checks.</summary>
public static class DatabaseMigrator
{
    /// <summary>Runs the provider's preparation, then applies every pending migration.</summary>
    public static async Task MigrateAsync(FerryDbContext db, IDatabasePreparer? preparer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (preparer is not null)
        {
            await preparer.PrepareAsync(db, cancellationToken);
        }

        await db.Database.MigrateAsync(cancellationToken);
    }

    /// <summary>True when the database answers and has no pending migration.</summary>
    public static async Task<bool> IsReadyAsync(FerryDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!await db.Database.CanConnectAsync(cancellationToken))
        {
            return false;
        }

        var pending = await db.Database.GetPendingMigrationsAsync(cancellationToken);
        return !pending.Any();
    }
}
