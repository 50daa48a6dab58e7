using System.Net;
using System.Net.Sockets;
using Ferry.Storage.PostgreSql;
using Ferry.Storage.Sqlite;
using Ferry.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit;

namespace Ferry.Storage.Tests;

/// <summary>Each provider's classification of real failures: "database unavailable" or not.</summary>
public sealed class DatabaseFaultsTests
{
    [Fact]
    public async Task SqliteBusy_PastItsTimeout_IsUnavailable()
    {
        using var directory = new TempDirectory("faults");
        var file = Path.Combine(directory.Path, "busy.db");
        await using var holder = new SqliteConnection($"Data Source={file};Pooling=False");
        await holder.OpenAsync();
        await Execute(holder, "CREATE TABLE t (x INTEGER); BEGIN EXCLUSIVE; INSERT INTO t VALUES (1);");
        await using var reader = new SqliteConnection($"Data Source={file};Pooling=False;Default Timeout=1");
        await reader.OpenAsync();

        var busy = await Assert.ThrowsAsync<SqliteException>(() => Execute(reader, "SELECT count(*) FROM t;"));

        var faults = new SqliteFaults();
        Assert.NotNull(faults.Unavailable(busy));
        Assert.NotNull(faults.Unavailable(new DbUpdateException("saving failed", busy)));
    }

    [Fact]
    public async Task SqliteConstraintViolation_IsNotUnavailable()
    {
        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        await Execute(connection, "CREATE TABLE t (x INTEGER PRIMARY KEY); INSERT INTO t VALUES (1);");

        var duplicate = await Assert.ThrowsAsync<SqliteException>(() => Execute(connection, "INSERT INTO t VALUES (1);"));

        Assert.Null(new SqliteFaults().Unavailable(duplicate));
    }

    [Fact]
    public async Task PostgreSqlNotListening_IsUnavailable()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var connectionString = $"Host=127.0.0.1;Port={port};Username=ferry;Database=ferry;Timeout=5";
        await using var connection = new NpgsqlConnection(connectionString);

        var refused = await Assert.ThrowsAsync<NpgsqlException>(() => connection.OpenAsync());

        var faults = new PostgreSqlFaults(connectionString);
        Assert.NotNull(faults.Unavailable(refused));
        Assert.NotNull(faults.Unavailable(new InvalidOperationException("wrapped", refused)));
    }

    [SkippableFact]
    public async Task PostgreSqlSyntaxError_IsNotUnavailable()
    {
        DatabaseRequirement.EnsureAvailable(DatabaseKind.PostgreSql);
        var connectionString = Environment.GetEnvironmentVariable(TestDatabase.PostgresVariable)!;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELEC 1", connection);

        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteScalarAsync());

        Assert.Null(new PostgreSqlFaults(connectionString).Unavailable(error));
    }

    private static async Task Execute(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
