using Ferry.Cli.Tests.Infrastructure;
using Ferry.Core.Contracts;
using Microsoft.Data.Sqlite;

namespace Ferry.Cli.Tests;

/// <summary>
/// One server's life on one data directory: first start, graceful SIGTERM, restart, then a hand-edited audit row.
/// The steps depend on each other, so they are one test with its own server.
/// </summary>
public sealed class RestartAndTamperTests : IDisposable
{
    private readonly TempDirectory _dataDirectory = new("restart");
    private readonly List<FerryServerProcess> _servers = [];

    [Fact]
    public async Task Tokens_SurviveGracefulRestart_AndHandEditedAuditRowBreaksVerification()
    {
        // First life: generate the admin token, create another one.
        var first = await StartServerAsync();
        var admin = File.ReadAllText(first.AdminTokenFile).Trim();
        Assert.Contains(admin, first.Stdout, StringComparison.Ordinal);
        var keeper = Json.Read<CreatedTokenResponse>(await first.RunAsync(admin,
            "tokens", "create", "--name", "keeper", "--role", "approver", "--output", "json"));

        Assert.Equal(ExitCodes.Success, await first.StopAsync());

        // Second life on the same data directory.
        var second = await StartServerAsync();
        Assert.DoesNotContain("fry_", second.Stdout, StringComparison.Ordinal);
        Assert.Equal(admin, File.ReadAllText(second.AdminTokenFile).Trim());

        var tokens = Json.Read<TokenList>(await second.RunAsync(admin, "tokens", "list", "--output", "json"));
        Assert.Contains(tokens.Tokens, t => t.Id == keeper.Token.Id);
        CliAssert.Succeeded(await second.RunAsync(keeper.Secret, "audit", "list", "--output", "json"));

        var intact = await second.RunAsync(admin, "audit", "verify");
        CliAssert.Succeeded(intact);
        Assert.Contains("intact", intact.Stdout, StringComparison.Ordinal);

        // Somebody edits history behind Ferry's back.
        await TamperAsync("UPDATE audit_events SET actor = 'mallory' WHERE sequence = 1");

        var online = await second.RunAsync(keeper.Secret, "audit", "verify");
        CliAssert.FailedWithOneLine(online, ExitCodes.AuditChainBroken, "sequence 1", "edited");

        var onlineJson = await second.RunAsync(keeper.Secret, "audit", "verify", "--output", "json");
        Assert.Equal(ExitCodes.AuditChainBroken, onlineJson.ExitCode);
        Assert.Contains("\"firstBrokenSequence\": 1", onlineJson.Stdout, StringComparison.Ordinal);

        // With the server down, the CLI reads the database itself.
        Assert.Equal(ExitCodes.Success, await second.StopAsync());
        var offline = await FerryCli.RunAsync("audit", "verify", "--offline", "--data-dir", _dataDirectory.Path);
        CliAssert.FailedWithOneLine(offline, ExitCodes.AuditChainBroken, "sequence 1", "edited");
    }

    public void Dispose()
    {
        foreach (var server in _servers)
        {
            server.Dispose();
        }

        _dataDirectory.Dispose();
    }

    private async Task<FerryServerProcess> StartServerAsync()
    {
        var server = await FerryServerProcess.StartAsync(_dataDirectory.Path);
        _servers.Add(server);
        return server;
    }

    private async Task TamperAsync(string sql)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _dataDirectory.Combine("ferry.db"),
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
