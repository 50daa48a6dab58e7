using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ferry.Server.Serving;
using Ferry.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Server.Tests.Serving;

/// <summary>
/// An endpoint's prediction-log durability in a running server, on SQLite and PostgreSQL: a buffered endpoint answers
/// before its rows are written, a durable one only after they are committed, and a durable request whose commit keeps
/// failing is answered 503 at the timeout while its rows are still written later. Every wait is on a
/// <see cref="TestClock"/>, so the writer's flush interval never elapses unless a test advances it.
/// </summary>
public abstract class DurabilityTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    // Distinct from every other timer the server sets, so WaitForTimerAsync finds the durable wait.
    private static readonly TimeSpan DurableTimeout = TimeSpan.FromMilliseconds(4321);

    [SkippableFact]
    public async Task DurableEndpoint_AnswersOnlyOnceItsRowsAreCommitted_BufferedBeforeThem()
    {
        DatabaseRequirement.EnsureAvailable(fixture.Kind);
        await using var server = await StartAsync(new TestClock());
        var endpoint = await ServingTestKit.DeployModelAsync(server, "credit_gbm.onnx");
        var records = ServingTestKit.ReadExpected("credit_gbm.expected.json").Records.Take(2).ToList();
        using var client = server.CreateAdminClient();

        // Buffered (the default): answered while the rows wait in memory for the flush interval, which never elapses here.
        var buffered = Ids(await ServingTestKit.PredictAsync(client, endpoint, records));
        Assert.Empty(await StoredAsync(server, buffered));

        using (var set = await client.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}/durability", new { durability = "durable" }))
        {
            await set.AssertJsonAsync(HttpStatusCode.OK);
        }

        // Durable: the answer comes after the commit, which also carries the buffered rows queued before it.
        var durable = Ids(await ServingTestKit.PredictAsync(client, endpoint, records));
        Assert.Equal(durable.Order(), (await StoredAsync(server, durable)).Order());
        Assert.Equal(buffered.Order(), (await StoredAsync(server, buffered)).Order());
    }

    [SkippableFact]
    public async Task DurableEndpoint_CommitFailingPastTheTimeout_Answers503WithRetryAfter_AndWritesTheRowsLater()
    {
        DatabaseRequirement.EnsureAvailable(fixture.Kind);
        var clock = new TestClock();
        await using var server = await StartAsync(clock);
        var endpoint = await ServingTestKit.DeployModelAsync(server, "credit_gbm.onnx");
        var records = ServingTestKit.ReadExpected("credit_gbm.expected.json").Records.Take(3).ToList();
        using var client = server.CreateAdminClient();
        using (var set = await client.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}/durability", new { durability = "durable" }))
        {
            await set.AssertJsonAsync(HttpStatusCode.OK);
        }

        Assert.Single(await StoredAsync(server, Ids(await ServingTestKit.PredictAsync(client, endpoint, records.Take(1)))));

        var first = PredictionLogWriter.FirstBackoff;
        await using var db = server.Database.CreateContext();
        await db.Database.ExecuteSqlRawAsync("ALTER TABLE predictions RENAME TO predictions_away");
        HttpResponseMessage refused;
        try
        {
            var answering = ServingTestKit.PredictRawAsync(client, endpoint, records);
            await clock.WaitForTimerAsync(DurableTimeout); // the request waits for its commit
            await clock.WaitForTimerAsync(first);          // the writer's first attempt failed
            clock.Advance(DurableTimeout);
            refused = await answering.WaitAsync(TestClock.Bound);
            await clock.WaitForTimerAsync(first * 2);      // the writer failed again and keeps the rows
        }
        finally
        {
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE predictions_away RENAME TO predictions");
        }

        using (refused)
        {
            var problem = await refused.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Equal("1", refused.Headers.RetryAfter?.ToString());
            Assert.DoesNotContain("predictions", problem.EnumerateObject().Select(p => p.Name));
        }

        clock.Advance(first * 2);
        await server.WaitForPredictionLogAsync();
        Assert.Equal(1 + records.Count, await db.Predictions.CountAsync(p => p.EndpointName == endpoint));
    }

    [SkippableFact]
    public async Task DurableRequests_QueuedWhileACommitIsInProgress_ShareTheNextTransaction()
    {
        DatabaseRequirement.EnsureAvailable(fixture.Kind);
        await using var server = await StartAsync(new TestClock());
        var log = server.Services.GetRequiredService<PredictionLog>();
        var factory = server.Services.GetRequiredService<IMeterFactory>();
        var batches = new ConcurrentQueue<long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name == "prediction_log_written_total")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => batches.Enqueue(value));
        listener.Start();

        // Another writer holds the database's (SQLite) or the table's (PostgreSQL) write lock, so the log's first
        // commit blocks; the other requests queue meanwhile.
        const int Requests = 8;
        var endpoint = $"ep-{Guid.NewGuid():N}";
        await using var blocker = server.Database.CreateContext();
        var transaction = await blocker.Database.BeginTransactionAsync();
        await blocker.Database.ExecuteSqlRawAsync(fixture.Kind == DatabaseKind.Sqlite
            ? "UPDATE predictions SET latency_micros = latency_micros"
            : "LOCK TABLE predictions IN SHARE MODE");
        var waits = new List<Task<bool>>();
        for (var i = 0; i < Requests; i++)
        {
            var published = await log.EnqueueAsync(PredictionLogBufferTests.Records(1, endpoint, server.Clock.GetUtcNow()), null, durable: true);
            waits.Add(log.WaitUntilWrittenAsync(published!.Value, TestClock.Bound));
        }

        Assert.DoesNotContain(waits, w => w.IsCompleted);
        await transaction.CommitAsync();
        Assert.All(await Task.WhenAll(waits).WaitAsync(TestClock.Bound), Assert.True);

        // One transaction per request would be 8 commits; the first commit took what was queued when it began, the
        // next one the rest.
        listener.RecordObservableInstruments();
        Assert.Equal(Requests, batches.Sum());
        Assert.InRange(batches.Count, 1, 2);
    }

    private Task<FerryTestServer> StartAsync(TestClock clock) => FerryTestServer.StartAsync(fixture.Kind, services: services => services
        .Configure<PredictionLogOptions>(o =>
        {
            o.FlushInterval = TimeSpan.FromHours(1);
            o.DurableTimeout = DurableTimeout;
        })
        .Configure<RetentionOptions>(o => o.Predictions = null), clock: clock);

    private static List<Guid> Ids(JsonElement answer) =>
        [.. answer.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("id").GetGuid())];

    private static async Task<List<Guid>> StoredAsync(FerryTestServer server, List<Guid> ids)
    {
        await using var db = server.Database.CreateContext();
        return await db.Predictions.Where(p => ids.Contains(p.Id)).Select(p => p.Id).ToListAsync();
    }
}

/// <summary>On SQLite.</summary>
public sealed class SqliteDurabilityTests(SqliteServerFixture fixture) : DurabilityTests<SqliteServerFixture>(fixture);

/// <summary>On PostgreSQL.</summary>
public sealed class PostgresDurabilityTests(PostgresServerFixture fixture) : DurabilityTests<PostgresServerFixture>(fixture);
