using Ferry.Cli.Tests.Infrastructure;
using Ferry.Client;
using Microsoft.Data.Sqlite;

namespace Ferry.Cli.Tests;

/// <summary>
/// Sealing with a real <c>ferry server</c> process: <c>ferry audit seal</c>, <c>ferry audit verify --predictions</c>,
/// the seal a graceful stop makes of the open hour, and a hand-edited prediction named after a restart.
/// </summary>
public sealed class SealCommandTests : IDisposable
{
    private readonly TempDirectory _dataDirectory = new("sealing");
    private readonly List<FerryServerProcess> _servers = [];

    [Fact]
    public async Task SealVerifyAndGracefulStop_SealEveryPrediction_AndAHandEditedRowIsNamed()
    {
        var first = await StartServerAsync();
        var admin = File.ReadAllText(first.AdminTokenFile).Trim();
        var model = $"cli-sealed-{Guid.NewGuid():N}";
        const string endpoint = "cli-sealed";
        CliAssert.Succeeded(await first.RunAsync(admin, "models", "register", Ferry.Testing.TestDataFiles.Find("credit_pipeline.onnx"), "--name", model));
        CliAssert.Succeeded(await first.RunAsync(admin, "deploy", endpoint, "--model", model, "--version", "1"));
        CliAssert.Succeeded(await first.RunAsync(admin, "endpoints", "retention", endpoint, "--days", "30"));

        using var client = new FerryClient(first.Url, admin);
        var ids = new List<string>();
        ids.AddRange((await client.Predictions.PredictAsync(endpoint, [Record(31, 42_000), Record(45, 61_500)])).Select(p => p.Id));

        var sealedNow = await first.RunAsync(admin, "audit", "seal", "--output", "json");
        CliAssert.Succeeded(sealedNow);
        Assert.Contains(endpoint, sealedNow.Stdout, StringComparison.Ordinal);
        var intact = await first.RunAsync(admin, "audit", "verify", "--predictions");
        CliAssert.Succeeded(intact);
        Assert.Contains("matches its seals", intact.Stdout, StringComparison.Ordinal);

        // Served after the on-demand seal: only the shutdown seal covers these.
        ids.AddRange((await client.Predictions.PredictAsync(endpoint, [Record(52, 38_000), Record(29, 90_000)])).Select(p => p.Id));
        Assert.Equal(ExitCodes.Success, await first.StopAsync());
        Assert.Equal(4L, await ScalarAsync($"SELECT COALESCE(SUM(predictions), 0) FROM prediction_seals WHERE endpoint_name = '{endpoint}'"));

        var second = await StartServerAsync();
        CliAssert.Succeeded(await second.RunAsync(admin, "audit", "verify", "--predictions", "--endpoint", endpoint));

        // Somebody edits a logged decision behind Ferry's back.
        var edited = Guid.Parse(ids[3]).ToString().ToUpperInvariant();
        Assert.Equal(1L, await ExecuteAsync($"UPDATE predictions SET outputs = CAST('{{\"label\":\"good\"}}' AS BLOB) WHERE id = '{edited}'"));
        var broken = await second.RunAsync(admin, "audit", "verify", "--predictions");
        CliAssert.FailedWithOneLine(broken, ExitCodes.AuditChainBroken, ids[3], "altered");
        var json = await second.RunAsync(admin, "audit", "verify", "--predictions", "--output", "json");
        Assert.Equal(ExitCodes.AuditChainBroken, json.ExitCode);
        Assert.Contains("\"kind\": \"altered\"", json.Stdout, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (var server in _servers)
        {
            server.Dispose();
        }

        _dataDirectory.Dispose();
    }

    private static Dictionary<string, object?> Record(int age, double income) => new()
    {
        ["age"] = (double)age,
        ["income"] = income,
        ["open_accounts"] = 3L,
        ["purpose"] = "car",
    };

    private async Task<FerryServerProcess> StartServerAsync()
    {
        var server = await FerryServerProcess.StartAsync(_dataDirectory.Path);
        _servers.Add(server);
        return server;
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<long> ExecuteAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync();
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = _dataDirectory.Combine("ferry.db"),
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        await connection.OpenAsync();
        return connection;
    }
}
