using Ferry.Storage;
using Ferry.Storage.PostgreSql;
using Ferry.Storage.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Ferry.Testing;

/// <summary>Which database a test runs on.</summary>
public enum DatabaseKind
{
    Sqlite,
    PostgreSql,
}

/// <summary>
/// A fresh, empty database for one fixture: a new SQLite file, or a new database on the PostgreSQL
/// server named by <c>FERRY_TEST_POSTGRES</c>. Without that variable, PostgreSQL tests are skipped
/// locally, and fail in CI (<c>CI=true</c>): CI must never skip them silently.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "FERRY_TEST_POSTGRES";

    private readonly TempDirectory? _directory;
    private readonly string? _adminConnectionString;
    private readonly string? _databaseName;

    private TestDatabase(DatabaseKind kind, string connectionString, TempDirectory? directory, string? adminConnectionString, string? databaseName)
    {
        Kind = kind;
        ConnectionString = connectionString;
        _directory = directory;
        _adminConnectionString = adminConnectionString;
        _databaseName = databaseName;
    }

    public DatabaseKind Kind { get; }

    /// <summary>The connection string Ferry's <c>--database</c> takes.</summary>
    public string ConnectionString { get; }

    /// <summary>Why PostgreSQL tests cannot run here, or null when they can.</summary>
    public static string? PostgresUnavailableReason =>
        string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(PostgresVariable))
            ? $"{PostgresVariable} is not set (run `eval \"$(eng/postgres.sh start)\"` first)"
            : null;

    /// <summary>True when running in CI, where every test must run.</summary>
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static async Task<TestDatabase> CreateAsync(DatabaseKind kind)
    {
        if (kind == DatabaseKind.Sqlite)
        {
            var directory = new TempDirectory("ferry-sqlite");
            var connection = SqliteStorage.ConnectionStringFor(System.IO.Path.Combine(directory.Path, "ferry.db"));
            return new TestDatabase(kind, connection, directory, null, null);
        }

        var admin = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(admin))
        {
            throw new InvalidOperationException(PostgresUnavailableReason);
        }

        var name = $"ferry_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{name}\"";
            await command.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new TestDatabase(kind, builder.ConnectionString, null, admin, name);
    }

    /// <summary>A context on this database (not migrated by itself).</summary>
    public FerryDbContext CreateContext()
    {
        var options = new DbContextOptionsBuilder<FerryDbContext>();
        if (Kind == DatabaseKind.Sqlite)
        {
            options.UseFerrySqlite(ConnectionString);
        }
        else
        {
            options.UseFerryPostgreSql(ConnectionString);
        }

        return new FerryDbContext(options.Options);
    }

    public async ValueTask DisposeAsync()
    {
        if (_databaseName is not null && _adminConnectionString is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_adminConnectionString);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"DROP DATABASE IF EXISTS \"{_databaseName}\" WITH (FORCE)";
            await command.ExecuteNonQueryAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory?.Dispose();
    }
}
