using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Tracking;
using Ferry.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Storage.Tests.Tracking;

/// <summary>The tracking store on SQLite and PostgreSQL: audit events, clock use, id allocation, transactions.</summary>
public abstract class TrackingStoreTests(DatabaseKind kind) : StorageTestBase(kind)
{
    [SkippableFact]
    public async Task DefaultExperiment_IsCreatedOnce_AsSystem_AndIdsFollowIt()
    {
        await using var scope = Scope();
        var store = scope.ServiceProvider.GetRequiredService<ITrackingStore>();
        Assert.True(await store.EnsureDefaultExperimentAsync("system"));
        Assert.False(await store.EnsureDefaultExperimentAsync("system"));
        var first = await store.CreateExperimentAsync("a", null, [], "alice");
        var second = await store.CreateExperimentAsync("b", null, [new("k", "v")], "alice");
        Assert.Equal(1, first);
        Assert.Equal(2, second);
        var experiment = await store.GetExperimentAsync(Experiment.DefaultId);
        Assert.Equal("mlflow-artifacts:/0", experiment.ArtifactLocation);
        Assert.Equal(Clock.GetUtcNow().ToUnixTimeMilliseconds(), experiment.CreationTime);

        var events = await scope.ServiceProvider.GetRequiredService<IAuditLog>().QueryAsync(new AuditQuery());
        Assert.Equal(["system", "alice", "alice"], events.Select(e => e.Actor));
        Assert.All(events, e => Assert.Equal("experiment.create", e.Action));
    }

    [SkippableFact]
    public async Task FindRunExperimentId_OfLiveDeletedAndUnknownRuns_IsTheRunsExperimentOrNull()
    {
        await using var scope = Scope();
        var store = scope.ServiceProvider.GetRequiredService<ITrackingStore>();
        await store.EnsureDefaultExperimentAsync("system");
        var experiment = await store.CreateExperimentAsync("owned", null, [], "alice");
        var run = await store.CreateRunAsync(new NewRun(experiment, "alice", null, null, []), "alice");
        Assert.Equal(experiment, await store.FindRunExperimentIdAsync(run.Id));
        await store.SetRunDeletedAsync(run.Id, deleted: true, "alice");
        Assert.Equal(experiment, await store.FindRunExperimentIdAsync(run.Id));
        Assert.Null(await store.FindRunExperimentIdAsync("0123456789abcdef0123456789abcdef"));
    }

    [SkippableFact]
    public async Task LogBatch_WritesOneAuditEvent_AndIsAllOrNothing()
    {
        await using var scope = Scope();
        var store = scope.ServiceProvider.GetRequiredService<ITrackingStore>();
        await store.EnsureDefaultExperimentAsync("system");
        Clock.Advance(TimeSpan.FromSeconds(3));
        var run = await store.CreateRunAsync(new NewRun(0, "alice", null, null, []), "alice");
        Assert.Equal(Clock.GetUtcNow().ToUnixTimeMilliseconds(), run.StartTime);

        var batch = new RunBatch(
            [new MetricValue("m", 1, 10, 0), new MetricValue("m", 2, 11, 1), new MetricValue("m", 0.5, 9, 1)],
            [new("p", "1")],
            [new("t", "a"), new("t", "b")]);
        await store.LogBatchAsync(run.Id, batch, "run.log-batch", "alice");
        var events = await scope.ServiceProvider.GetRequiredService<IAuditLog>().QueryAsync(new AuditQuery { Action = "run.log-batch" });
        var logged = Assert.Single(events);
        Assert.Equal($"run/{run.Id}", logged.Target);
        Assert.Contains("\"metrics\":3", logged.Summary, StringComparison.Ordinal);

        var failing = new RunBatch([new MetricValue("other", 1, 1, 0)], [new("p", "changed")], [new("t2", "x")]);
        await Assert.ThrowsAsync<TrackingRequestException>(() => store.LogBatchAsync(run.Id, failing, "run.log-batch", "alice"));

        var got = await store.GetRunAsync(run.Id);
        var latest = Assert.Single(got.LatestMetrics);
        Assert.Equal((2d, 1L, 11L), (latest.Value, latest.Step, latest.Timestamp));
        Assert.Equal("b", got.Tags.Single(t => t.Key == "t").Value);
        Assert.DoesNotContain(got.Tags, t => t.Key == "t2");
        await using var db = Database.CreateContext();
        Assert.Equal(3, await db.MetricPoints.CountAsync(m => m.RunId == run.Id));
    }

    [SkippableFact]
    public async Task Like_TreatsGlobCharactersLiterally_AndIsCaseSensitive()
    {
        await using var scope = Scope();
        var store = scope.ServiceProvider.GetRequiredService<ITrackingStore>();
        await store.EnsureDefaultExperimentAsync("system");
        var star = await store.CreateRunAsync(new NewRun(0, "u", "a*[b]?", null, []), "u");
        await store.CreateRunAsync(new NewRun(0, "u", "A*[B]?", null, []), "u");
        await store.CreateRunAsync(new NewRun(0, "u", "axxb", null, []), "u");

        async Task<List<string>> Names(string filter) =>
            [.. (await store.SearchRunsAsync(new RunSearchQuery([0], filter, ViewType.ActiveOnly, 100, ["run_name"], null))).Items.Select(r => r.Name)];

        Assert.Equal(["a*[b]?"], await Names("run_name LIKE 'a*[b]_'"));
        Assert.Equal(["a*[b]?"], await Names("run_name LIKE 'a*%'"));
        Assert.Equal(["A*[B]?", "a*[b]?"], (await Names("run_name ILIKE 'a*[b]%'")).Order(StringComparer.Ordinal));
        Assert.Equal(star.Id, (await store.SearchRunsAsync(new RunSearchQuery([0], $"run_id = '{star.Id}'", ViewType.ActiveOnly, 100, [], null))).Items.Single().Id);
    }

    [SkippableFact]
    public async Task MetricHistory_PagedWithSeekTokens_ReturnsEveryPointOnceInOrder()
    {
        await using var scope = Scope();
        var store = scope.ServiceProvider.GetRequiredService<ITrackingStore>();
        await store.EnsureDefaultExperimentAsync("system");
        var run = await store.CreateRunAsync(new NewRun(0, "u", null, null, []), "u");
        // 30 points with repeated (step, timestamp) pairs, logged out of order in three batches.
        var logged = Enumerable.Range(0, 30).Select(i => new MetricValue("h", i, 100 + (i % 2), (29 - i) / 3)).ToList();
        foreach (var chunk in logged.Chunk(10))
        {
            await store.LogBatchAsync(run.Id, new RunBatch(chunk, [], []), "run.log-batch", "u");
        }

        var expected = logged.Select((m, i) => (m.Step, m.Timestamp, Order: i, m.Value))
            .OrderBy(p => p.Step).ThenBy(p => p.Timestamp).ThenBy(p => p.Order).Select(p => p.Value).ToList();
        var got = new List<double>();
        string? token = null;
        do
        {
            var page = await store.GetMetricHistoryAsync(run.Id, "h", 4, token);
            got.AddRange(page.Items.Select(p => p.Value));
            token = page.NextPageToken;
        }
        while (token is not null && got.Count <= 30);

        Assert.Equal(expected, got);
        var offsetOnly = await store.GetMetricHistoryAsync(run.Id, "h", 4, Ferry.Core.Tracking.Search.PageToken.Encode(8));
        Assert.Equal(expected[8..12], offsetOnly.Items.Select(p => p.Value));
    }

    [SkippableFact]
    public async Task UnknownIds_AreNotFound()
    {
        await using var scope = Scope();
        var store = scope.ServiceProvider.GetRequiredService<ITrackingStore>();
        await Assert.ThrowsAsync<NotFoundException>(() => store.GetRunAsync("nope"));
        await Assert.ThrowsAsync<NotFoundException>(() => store.GetExperimentAsync(99));
        await Assert.ThrowsAsync<NotFoundException>(() => store.LogBatchAsync("nope", new RunBatch([], [new("a", "1")], []), "run.log-param", "u"));
    }

}

public sealed class SqliteTrackingStoreTests() : TrackingStoreTests(DatabaseKind.Sqlite);

public sealed class PostgresTrackingStoreTests() : TrackingStoreTests(DatabaseKind.PostgreSql);
