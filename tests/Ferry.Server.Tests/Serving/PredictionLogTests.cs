using System.Net;
using System.Net.Http.Json;
using Ferry.Core.Serving;
using Ferry.Server.Hosting;
using Ferry.Server.Oversight;
using Ferry.Server.Scheduling;
using Ferry.Server.Serving;
using Ferry.Server.Serving.Partitions;
using Ferry.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Ferry.Server.Tests.Serving;

/// <summary>
/// The prediction log in a running server, on SQLite and PostgreSQL: rows appear, the writer retries, shutdown drains,
/// retention, metrics. Tests of time-driven behaviour run their own server on a <see cref="TestClock"/> and advance it.
/// </summary>
public abstract class PredictionLogTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private FerryTestServer Server => fixture.Server;

    [SkippableFact]
    public async Task Enqueued_RowsAppear_OffTheRequestPath()
    {
        var endpoint = $"ep-{Guid.NewGuid():N}";
        var log = Server.Services.GetRequiredService<IPredictionLog>();
        var records = Records(3, endpoint);
        records[0].ShadowOutputsJson = """{"credit-risk:2":{"label":"1"}}""";
        Assert.True(await log.TryEnqueueAsync(records));
        Assert.True(await log.TryEnqueueAsync(Records(2, endpoint)));

        await WaitForRowsAsync(Server, endpoint, 5);
        await using var scope = Server.Services.CreateAsyncScope();
        var found = await scope.ServiceProvider.GetRequiredService<IPredictionStore>().FindAsync(endpoint, records[0].Id);
        Assert.Equal(records[0].ShadowOutputsJson, found?.Prediction.ShadowOutputsJson);
    }

    [SkippableFact]
    public async Task Writer_RetriesAfterItsBackoffWhileTheDatabaseFails_AndWritesEveryRowOnceItRecovers()
    {
        // A batch of 5 closes by size; every wait after that is on the test clock.
        DatabaseRequirement.EnsureAvailable(fixture.Kind);
        var clock = new TestClock();
        await using var server = await FerryTestServer.StartAsync(fixture.Kind, services: services => services
            .Configure<PredictionLogOptions>(o => o.BatchSize = 5)
            .Configure<RetentionOptions>(o => o.Predictions = null), clock: clock);
        var endpoint = $"ep-{Guid.NewGuid():N}";
        var log = server.Services.GetRequiredService<PredictionLog>();
        var records = Records(5, endpoint, clock.GetUtcNow());
        var first = PredictionLogWriter.FirstBackoff;
        var tick = TimeSpan.FromTicks(1);
        await using var db = server.Database.CreateContext();
        await db.Database.ExecuteSqlRawAsync("ALTER TABLE predictions RENAME TO predictions_away");
        try
        {
            Assert.True(await log.TryEnqueueAsync(records));

            // Attempt 1 fails; the writer waits the first backoff on the clock and tries nothing before it is up.
            await clock.WaitForTimerAsync(first);
            clock.Advance(first - tick);
            Assert.False(clock.HasTimer(first * 2), "the writer tried again before its backoff was up");

            // Attempt 2, once the backoff is up, fails too: the next backoff is twice as long.
            clock.Advance(tick);
            await clock.WaitForTimerAsync(first * 2);
            Assert.Equal(0, log.Written);
        }
        finally
        {
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE predictions_away RENAME TO predictions");
        }

        // Attempt 3 finds the table back and writes the batch, each row once.
        clock.Advance(first * 2);
        await server.WaitForPredictionLogAsync();
        Assert.Equal(5, log.Written);
        var stored = await db.Predictions.Where(p => p.EndpointName == endpoint).Select(p => p.Id).ToListAsync();
        Assert.Equal(records.Select(r => r.Id).Order(), stored.Order());
    }

    [SkippableFact]
    public async Task ReadAndFeedback_RightAfterThePrediction_WaitForTheLog()
    {
        // A 3 s flush interval keeps the records in memory while the feedback arrives.
        DatabaseRequirement.EnsureAvailable(fixture.Kind);
        await using var server = await FerryTestServer.StartAsync(fixture.Kind, services: services => services.Configure<PredictionLogOptions>(o => o.FlushInterval = TimeSpan.FromSeconds(3)));
        var endpoint = $"ep-{Guid.NewGuid():N}";
        var log = server.Services.GetRequiredService<PredictionLog>();
        using var client = server.CreateAdminClient();
        var read = Records(1, endpoint, server.Clock.GetUtcNow());
        Assert.True(await log.TryEnqueueAsync(read));
        Assert.Equal(0, log.Written);
        var view = await (await client.GetAsync($"/api/v1/endpoints/{endpoint}/predictions/{read[0].Id}")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(read[0].Id, view.GetProperty("id").GetGuid());

        var records = Records(4, endpoint, server.Clock.GetUtcNow());
        Assert.True(await log.TryEnqueueAsync(records));
        Assert.Equal(1, log.Written);
        var body = new { feedback = records.Select(r => new { predictionId = r.Id, label = "1" }) };
        using var response = await client.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/feedback", body);
        Assert.Equal(4, (await response.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("accepted").GetInt32());
        await using var scope = server.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<IFeedbackStore>().FindAsync(records[3].Id);
        Assert.Equal("1", stored?.Label);

        // An id that is still unknown once the log has been written is refused, as before.
        using var unknown = await client.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/feedback",
            new { feedback = new[] { new { predictionId = Guid.NewGuid(), label = "1" } } });
        await unknown.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [SkippableFact]
    public async Task Retention_DeletesOnlyRowsOlderThanTheSetting()
    {
        var endpoint = $"ep-{Guid.NewGuid():N}";
        // A year back, so the rows other tests log now are never old enough to go.
        var now = Server.Clock.GetUtcNow().AddYears(-1);
        await using (var scope = Server.Services.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<IPredictionStore>();
            await store.InsertBatchAsync(Records(4, endpoint, now.AddDays(-31)), skipExisting: false);
            await store.InsertBatchAsync(Records(2, endpoint, now.AddDays(-29)), skipExisting: false);
        }

        var result = await Server.Services.GetRequiredService<RetentionService>().RunOnceAsync(now);
        Assert.NotNull(result);
        Assert.Equal(4, result.Predictions);
        await using var check = Server.Services.CreateAsyncScope();
        Assert.Equal(2, await check.ServiceProvider.GetRequiredService<IPredictionStore>().CountAsync(endpoint));
    }

    [SkippableFact]
    public async Task Metrics_AppearOnTheMetricsRoute()
    {
        var endpoint = $"ep-{Guid.NewGuid():N}";
        Assert.True(await Server.Services.GetRequiredService<IPredictionLog>().TryEnqueueAsync(Records(2, endpoint)));
        await WaitForRowsAsync(Server, endpoint, 2);
        var text = await Server.CreateClient().GetStringAsync("/metrics");
        var names = text.Split('\n').Where(l => l.StartsWith("ferry_", StringComparison.Ordinal)).Select(l => l.Split(' ', '{')[0]).ToHashSet();
        foreach (var name in new[] { "ferry_prediction_log_queued", "ferry_prediction_log_written_total", "ferry_prediction_log_queue_depth" })
        {
            Assert.True(names.Contains(name), $"{name} is not on /metrics; found: {string.Join(", ", names)}");
        }
    }

    [SkippableFact]
    public async Task Stop_DrainsEveryAcceptedRecord()
    {
        DatabaseRequirement.EnsureAvailable(fixture.Kind);
        await using var database = await TestDatabase.CreateAsync(fixture.Kind);
        using var data = new TempDirectory("ferry-data");
        var app = FerryHost.Build(new FerryServerOptions
        {
            Port = 0,
            DataDirectory = data.Path,
            Database = database.ConnectionString,
            AdminToken = Ferry.Core.Identity.TokenSecret.Generate(),
            PrintAdminToken = false,
            LogLevel = LogLevel.Warning,
        }, configure: builder => builder.Services.Configure<PredictionLogOptions>(o =>
        {
            o.BatchSize = 700;
            o.FlushInterval = TimeSpan.FromSeconds(10);
        }));
        await app.StartAsync();
        var log = app.Services.GetRequiredService<IPredictionLog>();
        var accepted = 0;
        for (var i = 0; i < 100; i++)
        {
            var records = Records(100, "drain", app.Services.GetRequiredService<TimeProvider>().GetUtcNow());
            Assert.True(await log.TryEnqueueAsync(records));
            accepted += records.Length;
        }

        await app.StopAsync();
        await app.DisposeAsync();
        await using var db = database.CreateContext();
        Assert.Equal(accepted, await db.Predictions.CountAsync());
        Assert.Equal(10_000, accepted);
    }

    [SkippableFact]
    public async Task Retention_RunsAtItsStartDelay_ThenAnIntervalAfterEachPass_OnTheClock()
    {
        DatabaseRequirement.EnsureAvailable(fixture.Kind);
        var clock = new TestClock();
        await using var server = await FerryTestServer.StartAsync(fixture.Kind,
            services: services => services
                .Configure<RetentionOptions>(o => o.Predictions = TimeSpan.FromDays(30))
                // The override-rate watch also waits an hour: give it another period, so the waits below find retention's timer.
                .Configure<OverrideRateOptions>(o => o.OverrideRateCheckInterval = TimeSpan.FromHours(5))
                // So does the prediction log's partition maintenance on PostgreSQL.
                .Configure<PredictionPartitionOptions>(o => o.Interval = TimeSpan.FromHours(7))
                // The service's own loop on the clock: on PostgreSQL the pass otherwise runs as a clustered Quartz job.
                .Configure<SchedulerOptions>(o => o.ClusteredTicks = false),
            clock: clock);
        var endpoint = $"ep-{Guid.NewGuid():N}";
        var start = clock.GetUtcNow();
        var tick = TimeSpan.FromTicks(1);
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<IPredictionStore>();
            // Past the retention at the first pass; past it only at the second (an hour later).
            await store.InsertBatchAsync(Records(4, endpoint, start.AddDays(-31)), skipExisting: false);
            await store.InsertBatchAsync(Records(2, endpoint, start.AddDays(-30).AddMinutes(30)), skipExisting: false);
        }

        await clock.WaitForTimerAsync(RetentionService.StartDelay);
        clock.Advance(RetentionService.StartDelay - tick);
        Assert.Equal(6, await CountAsync(server, endpoint));

        // The first pass, at the start delay: once it is done, the service waits an interval.
        clock.Advance(tick);
        await clock.WaitForTimerAsync(RetentionService.Interval);
        Assert.Equal(2, await CountAsync(server, endpoint));

        clock.Advance(RetentionService.Interval);
        await clock.WaitForTimerAsync(RetentionService.Interval);
        Assert.Equal(0, await CountAsync(server, endpoint));
    }

    private static PredictionRecord[] Records(int count, string endpoint, DateTimeOffset at) => PredictionLogBufferTests.Records(count, endpoint, at);

    private PredictionRecord[] Records(int count, string endpoint) => Records(count, endpoint, Server.Clock.GetUtcNow());

    private static async Task<int> CountAsync(FerryTestServer server, string endpoint)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IPredictionStore>().CountAsync(endpoint);
    }

    // Everything enqueued so far is written (a signal from the log, not a poll), so the count is final.
    private static async Task WaitForRowsAsync(FerryTestServer server, string endpoint, int expected)
    {
        await server.WaitForPredictionLogAsync();
        Assert.Equal(expected, await CountAsync(server, endpoint));
    }
}

public sealed class SqlitePredictionLogTests(SqliteServerFixture fixture) : PredictionLogTests<SqliteServerFixture>(fixture);

public sealed class PostgresPredictionLogTests(PostgresServerFixture fixture) : PredictionLogTests<PostgresServerFixture>(fixture);
