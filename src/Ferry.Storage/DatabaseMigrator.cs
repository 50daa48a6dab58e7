using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage;

/// <summary>Prepares and migrates the metadata database; used at start-up and by readiness checks.</summary>
public static class DatabaseMigrator
{
    /// <summary>
    /// Runs the provider's preparation, then applies every pending migration: on a brand-new database through the
    /// provider's <see cref="IEmptyDatabaseSchema"/> script when it has one, else (and always on an existing database)
    /// through EF's migrator.
    /// </summary>
    /// <returns>True when the database was brand-new and created from the script.</returns>
    public static async Task<bool> MigrateAsync(FerryDbContext db, IDatabasePreparer? preparer, IEmptyDatabaseSchema? emptySchema = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (preparer is not null)
        {
            await preparer.PrepareAsync(db, cancellationToken);
        }

        if (emptySchema is not null && await emptySchema.IsEmptyAsync(db, cancellationToken))
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                await using var command = db.Database.GetDbConnection().CreateCommand();
                command.CommandText = emptySchema.Script;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }

            return true;
        }

        await db.Database.MigrateAsync(cancellationToken);
        return false;
    }

    /// <summary>
    /// Runs EF's one-time set-up for the context's options (its internal services, the model) and creates the provider's
    /// connection object (SQLite loads its native library then), without opening the database: start-up runs it ahead
    /// of <see cref="MigrateAsync"/>, beside other work.
    /// </summary>
    public static void WarmUp(FerryDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        _ = db.Model;
        _ = db.Database.GetDbConnection();
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
