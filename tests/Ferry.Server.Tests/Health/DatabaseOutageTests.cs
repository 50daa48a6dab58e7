using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Core.Identity;
using Ferry.Server.Identity;
using Ferry.Server.Serving;
using Ferry.Server.Tests.Serving;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit;
using static Ferry.Server.Tests.Mlflow.Registry.RegistryTestKit;

namespace Ferry.Server.Tests.Health;

/// <summary>
/// A real outage: a server on a PostgreSQL cluster of the test's own serves an endpoint under concurrent load while the
/// cluster is stopped and started again (<c>eng/postgres.sh pause/resume</c>).
/// </summary>
public sealed class DatabaseOutageTests
{
    private const int Concurrency = 8;
    private const int BeforeRequests = 40;
    private const int DuringRequests = 400;
    private const int AfterRequests = 40;

    [SkippableFact]
    public async Task PostgreSqlStoppedUnderLoad_PredictionsKeepAnswering_OtherRoutes503WithRetryAfter_LoggedOnce()
    {
        DatabaseRequirement.EnsureAvailable(DatabaseKind.PostgreSql);
        await using var cluster = await ThrowawayPostgres.StartAsync();
        var logs = new CapturedLogs();
        await using var server = await FerryTestServer.StartAsync(DatabaseKind.PostgreSql,
            options => options.Database = cluster.ConnectionString,
            services =>
            {
                services.AddSingleton<ILoggerProvider>(logs);
                // Every request asks the database for its token and every 50 ms for the policy, so the outage meets both.
                services.Configure<TokenCacheOptions>(o => o.Duration = TimeSpan.Zero);
                services.Configure<ModelCacheOptions>(o => o.PolicyRefreshInterval = TimeSpan.FromMilliseconds(50));
            });
        var endpoint = await ServingTestKit.DeployModelAsync(server, "credit_gbm.onnx");
        var records = ServingTestKit.ReadExpected("credit_gbm.expected.json").Records.Take(2).ToArray();
        var caller = server.CreateClient(await server.CreateTokenAsync(Role.Viewer));
        var admin = server.CreateAdminClient();
        var acknowledged = new ConcurrentBag<Guid>();

        var before = await LoadAsync(caller, endpoint, records, BeforeRequests, acknowledged);
        Assert.Equal(BeforeRequests, before);

        await cluster.PauseAsync();
        var during = await LoadAsync(caller, endpoint, records, DuringRequests, acknowledged);
        using (var experiment = await SendAsync(admin, HttpMethod.Post, "experiments/create", new { name = UniqueName("outage") }))
        {
            await AssertUnavailableAsync(experiment, mlflow: true);
        }

        using (var model = await GetAsync(admin, "registered-models/get", ("name", "anything")))
        {
            await AssertUnavailableAsync(model, mlflow: true);
        }

        using (var models = await admin.GetAsync("/api/v1/models"))
        {
            await AssertUnavailableAsync(models, mlflow: false);
        }

        // A token never seen cannot be checked while the database is away: 503, not 401 and not 500.
        using (var unknown = await server.CreateClient(TokenSecret.Generate()).GetAsync("/api/v1/models"))
        {
            await AssertUnavailableAsync(unknown, mlflow: false);
        }

        await cluster.ResumeAsync();
        var after = await LoadAsync(caller, endpoint, records, AfterRequests, acknowledged);
        await server.WaitForPredictionLogAsync();
        await logs.AvailableAgain.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(DuringRequests, during);
        Assert.Equal(AfterRequests, after);
        var ids = acknowledged.ToArray();
        Assert.Equal((BeforeRequests + DuringRequests + AfterRequests) * records.Length, ids.Length);
        Assert.Equal(ids.Length, await CountLoggedAsync(cluster.ConnectionString, ids));

        var entries = logs.Entries;
        Assert.Single(entries, e => e.Message.StartsWith("Database unavailable since", StringComparison.Ordinal));
        var again = Assert.Single(entries, e => e.Message.StartsWith("Database available again after", StringComparison.Ordinal));
        Assert.Contains("4 requests answered 503", again.Message, StringComparison.Ordinal);
        // Ferry logs the outage once (above); on PostgreSQL, Quartz's clustered job store logs its own failed check-ins
        // while the database is down, which is Quartz's account of the same outage, not Ferry's.
        Assert.Empty(entries.Where(e => e.Exception is not null && !e.Category.StartsWith("Quartz.", StringComparison.Ordinal))
            .Select(e => $"{e.Category}: {e.Message} ({e.Exception!.GetType().Name})"));
    }

    // Sends `count` predictions from `Concurrency` workers; returns how many were answered 200 (each id noted).
    private static async Task<int> LoadAsync(HttpClient client, string endpoint, JsonObject[] records, int count, ConcurrentBag<Guid> acknowledged)
    {
        var next = -1;
        var ok = 0;
        var failures = new ConcurrentBag<string>();
        var body = new JsonObject { ["records"] = new JsonArray(records.Select(r => (JsonNode)r.DeepClone()).ToArray()) }.ToJsonString();
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < count)
            {
                using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
                using var response = await client.PostAsync($"/api/v1/endpoints/{endpoint}/predict", content);
                var text = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Add($"{(int)response.StatusCode}: {text}");
                    continue;
                }

                using var answer = JsonDocument.Parse(text);
                foreach (var prediction in answer.RootElement.GetProperty("predictions").EnumerateArray())
                {
                    acknowledged.Add(prediction.GetProperty("id").GetGuid());
                }

                Interlocked.Increment(ref ok);
            }
        }));
        Assert.True(failures.IsEmpty, $"{failures.Count} predictions failed, e.g. {failures.FirstOrDefault()}");
        return ok;
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response, bool mlflow)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, "503 without Retry-After");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (mlflow)
        {
            Assert.Equal("TEMPORARILY_UNAVAILABLE", body.GetProperty("error_code").GetString());
            Assert.Contains("unavailable", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(503, body.GetProperty("status").GetInt32());
        }
    }

    private static async Task<long> CountLoggedAsync(string connectionString, Guid[] ids)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM predictions WHERE id = ANY(@ids)", connection);
        command.Parameters.AddWithValue("ids", ids);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Every log entry at warning or above, and a signal for the "available again" line.</summary>
    private sealed class CapturedLogs : ILoggerProvider
    {
        private readonly ConcurrentQueue<Entry> _entries = new();
        private readonly TaskCompletionSource _availableAgain = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task AvailableAgain => _availableAgain.Task;

        public IReadOnlyList<Entry> Entries => [.. _entries];

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private void Add(Entry entry)
        {
            _entries.Enqueue(entry);
            if (entry.Message.StartsWith("Database available again", StringComparison.Ordinal))
            {
                _availableAgain.TrySetResult();
            }
        }

        public sealed record Entry(string Category, LogLevel Level, string Message, Exception? Exception);

        private sealed class Logger(CapturedLogs owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    owner.Add(new Entry(category, logLevel, formatter(state, exception), exception));
                }
            }
        }
    }
}
