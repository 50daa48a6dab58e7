using Ferry.Cli.Settings;
using Ferry.Core.Audit;
using Ferry.Server.Hosting;
using Ferry.Storage;
using Ferry.Storage.Audit;
using Ferry.Storage.PostgreSql;
using Ferry.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Cli.Offline;

/// <summary>Verifies the audit chain by reading the metadata database directly, without a server.</summary>
internal static class OfflineAuditVerifier
{
    /// <summary>Opens the database the server would use (same <c>--data-dir</c>/<c>--database</c> rules) and verifies the chain.</summary>
    /// <exception cref="CliException">The setting is invalid (2) or the SQLite file does not exist (4).</exception>
    public static async Task<AuditVerification> VerifyAsync(string dataDirectory, string? database, CancellationToken cancellationToken)
    {
        var (kind, connectionString) = StorageOptions.ResolveConnection(database, dataDirectory);
        var builder = new DbContextOptionsBuilder<FerryDbContext>();
        if (kind == DatabaseRegistration.Kind.PostgreSql)
        {
            builder.UseFerryPostgreSql(connectionString);
        }
        else
        {
            builder.UseFerrySqlite(ReadOnly(connectionString));
        }

        await using var db = new FerryDbContext(builder.Options);
        return await new AuditLog(db).VerifyAsync(cancellationToken);
    }

    // Never create an empty database by looking for one: the file must exist, and it is opened read-only.
    private static string ReadOnly(string connectionString)
    {
        var sqlite = new SqliteConnectionStringBuilder(connectionString);
        if (!File.Exists(sqlite.DataSource))
        {
            throw new CliException(ExitCodes.NotFound, $"no Ferry database at {Path.GetFullPath(sqlite.DataSource)}");
        }

        sqlite.Mode = SqliteOpenMode.ReadOnly;
        sqlite.Pooling = false;
        return sqlite.ToString();
    }
}
