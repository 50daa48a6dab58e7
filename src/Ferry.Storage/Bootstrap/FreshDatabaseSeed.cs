using Ferry.Core.Audit;
using Ferry.Core.Identity;
using Ferry.Storage.Identity;
using Ferry.Storage.Tracking;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Bootstrap;

/// <summary>
/// What a database Ferry has just created from its schema script needs before it is ready: the admin token and
/// MLflow's default experiment, each with its audit event (the first two links of the chain). The rows are the same
/// ones <see cref="TokenStore"/> and <see cref="TrackingStore"/> write; they go in through plain commands built from the
/// EF model, because EF's first query and first SaveChanges in a process cost most of a cold start.
/// </summary>
public static class FreshDatabaseSeed
{
    /// <summary>Writes the admin token (the supplied secret, or a new one) and the default experiment in one transaction.</summary>
    /// <returns>The admin secret: the one supplied, or the one generated.</returns>
    public static async Task<string> SeedAsync(FerryDbContext db, string? suppliedSecret, string actor, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(clock);
        var secret = string.IsNullOrEmpty(suppliedSecret) ? TokenSecret.Generate() : suppliedSecret;
        var now = clock.GetUtcNow();
        var token = TokenStore.NewToken("admin", Role.Admin, secret, null, actor, now);
        var tokenEvent = AuditChain.Append(null, now, actor, TokenStore.Describe("token.create", token));
        var (experiment, experimentRecord) = TrackingStore.DefaultExperiment(now.ToUnixTimeMilliseconds());
        var experimentEvent = AuditChain.Append(tokenEvent, now, actor, experimentRecord);

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = db.Database.GetDbConnection();
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            foreach (var row in new object[] { token, tokenEvent, experiment, experimentEvent })
            {
                await EntityRows.InsertAsync(db, connection, transaction, row, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return secret;
    }
}
