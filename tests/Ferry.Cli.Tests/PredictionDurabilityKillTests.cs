using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Cli.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Ferry.Cli.Tests;

/// <summary>
/// Acknowledged predictions under a real <c>ferry server</c> process that is killed (SIGKILL) or stopped (SIGTERM)
/// while 16 clients predict: every id a client got back is looked up in the database file afterwards. Durable loses
/// none to either; buffered loses none to SIGTERM (the writer drains) and at most what its buffer held to SIGKILL.
/// The kill comes once a fixed number of predictions were acknowledged (a count, not a time).
/// </summary>
public sealed class PredictionDurabilityKillTests(ITestOutputHelper output) : IDisposable
{
    private const int Clients = 16;
    private const int RowsPerRequest = 2;
    private const int AcknowledgedBeforeTheSignal = 3_000;
    private const int MaxRequestsPerClient = 2_000;

    // Small enough that the buffered bound means something, large enough that the load seldom fills it.
    // Smaller than the acknowledgements before the signal, so the buffered bound below is a real limit.
    private const int BufferCapacity = 1_000;

    private readonly TempDirectory _dataDirectory = new("durability");
    private FerryServerProcess? _server;

    [Fact]
    public async Task Sigkill_DurableEndpoint_LosesNoAcknowledgedPrediction()
    {
        var (acknowledged, stored) = await RunAsync("durable", kill: true);
        var lost = acknowledged.Except(stored).Count();
        output.WriteLine($"SIGKILL durable: {acknowledged.Count} acknowledged, {lost} lost");
        Assert.Equal(0, lost);
    }

    [Fact]
    public async Task Sigkill_BufferedEndpoint_LosesAtMostWhatTheBufferHeld()
    {
        var (acknowledged, stored) = await RunAsync("buffered", kill: true);
        var lost = acknowledged.Except(stored).Count();
        output.WriteLine($"SIGKILL buffered: {acknowledged.Count} acknowledged, {lost} lost (buffer capacity {BufferCapacity})");
        // The buffer (queued plus the batch being written) never holds more than its capacity, and whatever left it
        // was committed: so a kill can lose no more than that.
        Assert.True(acknowledged.Count > BufferCapacity, $"only {acknowledged.Count} acknowledged: the bound would prove nothing");
        Assert.InRange(lost, 0, BufferCapacity);
    }

    [Theory]
    [InlineData("durable")]
    [InlineData("buffered")]
    public async Task Sigterm_UnderLoad_LosesNoAcknowledgedPrediction(string durability)
    {
        var (acknowledged, stored) = await RunAsync(durability, kill: false);
        var lost = acknowledged.Except(stored).Count();
        output.WriteLine($"SIGTERM {durability}: {acknowledged.Count} acknowledged, {lost} lost");
        Assert.Equal(0, lost);
    }

    public void Dispose()
    {
        _server?.Dispose();
        SqliteConnection.ClearAllPools();
        _dataDirectory.Dispose();
    }

    private async Task<(HashSet<Guid> Acknowledged, HashSet<Guid> Stored)> RunAsync(string durability, bool kill)
    {
        _server = await FerryServerProcess.StartAsync(_dataDirectory.Path, new Dictionary<string, string>
        {
            ["Ferry__PredictionLog__Capacity"] = BufferCapacity.ToString(CultureInfo.InvariantCulture),
        });
        var admin = File.ReadAllText(_server.AdminTokenFile).Trim();
        var model = $"kill-model-{Guid.NewGuid():N}"[..20];
        var endpoint = $"kill-{durability}";
        CliAssert.Succeeded(await _server.RunAsync(admin, "models", "register", Ferry.Testing.TestDataFiles.Find("credit_gbm.onnx"), "--name", model));
        var deployed = CliAssert.Succeeded(await _server.RunAsync(admin, "deploy", endpoint, "--model", model, "--version", "1", "--durability", durability));
        Assert.Contains($"({durability} prediction log)", deployed.Stdout, StringComparison.Ordinal);

        var acknowledged = new ConcurrentBag<Guid>();
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var http = new HttpClient { BaseAddress = _server.Url };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        var body = Body();
        var clients = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < MaxRequestsPerClient; i++)
            {
                try
                {
                    using var content = new StringContent(body, Encoding.UTF8, "application/json");
                    using var response = await http.PostAsync($"/api/v1/endpoints/{endpoint}/predict", content);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        continue; // 503 (buffer full or stopping): no ids were given, nothing to keep
                    }

                    using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    foreach (var prediction in answer.RootElement.GetProperty("predictions").EnumerateArray())
                    {
                        acknowledged.Add(prediction.GetProperty("id").GetGuid());
                    }

                    if (acknowledged.Count >= AcknowledgedBeforeTheSignal)
                    {
                        enough.TrySetResult();
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or JsonException)
                {
                    return; // the server is gone
                }
            }
        })).ToArray();

        await Task.WhenAny(enough.Task, Task.WhenAll(clients));
        Assert.True(enough.Task.IsCompleted, $"only {acknowledged.Count} predictions were acknowledged:\n{_server.Stderr}");
        if (kill)
        {
            await _server.KillAsync();
        }
        else
        {
            Assert.Equal(ExitCodes.Success, await _server.StopAsync());
        }

        await Task.WhenAll(clients);
        return ([.. acknowledged], await StoredIdsAsync(endpoint));
    }

    private async Task<HashSet<Guid>> StoredIdsAsync(string endpoint)
    {
        // Opening the file after a kill recovers it as SQLite would at the next start (the WAL is replayed).
        var connectionString = new SqliteConnectionStringBuilder { DataSource = _dataDirectory.Combine("ferry.db"), Pooling = false }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM predictions WHERE endpoint_name = $endpoint";
        command.Parameters.AddWithValue("$endpoint", endpoint);
        var ids = new HashSet<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    private static string Body()
    {
        var features = JsonNode.Parse(File.ReadAllText(Ferry.Testing.TestDataFiles.Find("credit_gbm.expected.json")))!["features"]!.AsObject();
        var records = new JsonArray();
        for (var i = 0; i < RowsPerRequest; i++)
        {
            var record = new JsonObject();
            foreach (var (name, column) in features)
            {
                record[name] = column![i]!.DeepClone();
            }

            records.Add(record);
        }

        return new JsonObject { ["records"] = records }.ToJsonString();
    }
}
