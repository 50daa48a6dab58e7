using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Ferry.Core.Serving;
using Ferry.Server.Hosting;
using Ferry.Server.Serving;
using Ferry.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Ferry.Server.Tests.Serving;

/// <summary>The prediction log in a running server, on SQLite and PostgreSQL: rows appear, shutdown drains, retention, metrics.</summary>
public abstract class PredictionLogTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private FerryTestServer Server => fixture.Server;

    [SkippableFact]
    public async Task Enqueued_RowsAppear_OffTheRequestPath()
    {
        var endpoint = $"ep-{Guid.NewGuid():N}";
        var log = Server.Services.GetRequiredService<IPredictionLog>();
        var records = PredictionLogBufferTests.Records(3, endpoint);
        records[0].ShadowOutputsJson = """{"credit-risk:2":{"label":"1"}}""";
        Assert.True(await log.TryEnqueueAsync(records));
        Assert.True(await log.TryEnqueueAsync(PredictionLogBufferTests.Records(2, endpoint)));

        await WaitForRowsAsync(endpoint, 5);
        await using var scope = Server.Services.CreateAsyncScope();
        var found = await scope.ServiceProvider.GetRequiredService<IPredictionStore>().FindAsync(endpoint, records[0].Id);
        Assert.Equal(records[0].ShadowOutputsJson, found?.Prediction.ShadowOutputsJson);
    }

    [SkippableFact]
    public async Task Writer_RetriesWhileTheDatabaseFails_AndWritesOnceItRecovers()
    {
        var endpoint = $"ep-{Guid.NewGuid():N}";
        await using var db = Server.Database.CreateContext();
        await db.Database.ExecuteSqlRawAsync("ALTER TABLE predictions RENAME TO predictions_away");
        try
        {
            Assert.True(await Server.Services.GetRequiredService<IPredictionLog>().TryEnqueueAsync(PredictionLogBufferTests.Records(5, endpoint)));
            // Not an assertion: gives the writer time to fail its first attempts (flush interval 200 ms, backoff from 100 ms).
            await Task.Delay(400);
        }
        finally
        {
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE predictions_away RENAME TO predictions");
        }

        await WaitForRowsAsync(endpoint, 5);
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
        var read = PredictionLogBufferTests.Records(1, endpoint);
        Assert.True(await log.TryEnqueueAsync(read));
        Assert.Equal(0, log.Written);
        var view = await (await client.GetAsync($"/api/v1/endpoints/{endpoint}/predictions/{read[0].Id}")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(read[0].Id, view.GetProperty("id").GetGuid());

        var records = PredictionLogBufferTests.Records(4, endpoint);
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
        var now = DateTimeOffset.UtcNow.AddYears(-1);
        await using (var scope = Server.Services.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<IPredictionStore>();
            await store.InsertBatchAsync(PredictionLogBufferTests.Records(4, endpoint, now.AddDays(-31)), skipExisting: false);
            await store.InsertBatchAsync(PredictionLogBufferTests.Records(2, endpoint, now.AddDays(-29)), skipExisting: false);
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
        Assert.True(await Server.Services.GetRequiredService<IPredictionLog>().TryEnqueueAsync(PredictionLogBufferTests.Records(2, endpoint)));
        await WaitForRowsAsync(endpoint, 2);
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
            var records = PredictionLogBufferTests.Records(100, "drain");
            Assert.True(await log.TryEnqueueAsync(records));
            accepted += records.Length;
        }

        await app.StopAsync();
        await app.DisposeAsync();
        await using var db = database.CreateContext();
        Assert.Equal(accepted, await db.Predictions.CountAsync());
        Assert.Equal(10_000, accepted);
    }

    private async Task WaitForRowsAsync(string endpoint, int expected)
    {
        var watch = Stopwatch.StartNew();
        var count = 0;
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            await using var scope = Server.Services.CreateAsyncScope();
            count = await scope.ServiceProvider.GetRequiredService<IPredictionStore>().CountAsync(endpoint);
            if (count >= expected)
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.Equal(expected, count);
    }
}

public sealed class SqlitePredictionLogTests(SqliteServerFixture fixture) : PredictionLogTests<SqliteServerFixture>(fixture);

public sealed class PostgresPredictionLogTests(PostgresServerFixture fixture) : PredictionLogTests<PostgresServerFixture>(fixture);
