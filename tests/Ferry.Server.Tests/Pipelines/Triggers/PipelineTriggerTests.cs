using Ferry.Core.Monitoring;
using Ferry.Core.Pipelines;
using Ferry.Server.Monitoring;
using Ferry.Server.Pipelines;
using Ferry.Server.Pipelines.Triggers;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static Ferry.Server.Tests.Pipelines.Triggers.TriggerTestKit;

namespace Ferry.Server.Tests.Pipelines.Triggers;

/// <summary>
/// The schedule, alert and new-labels triggers on a server of their own with a <see cref="TestClock"/> (its periodic
/// loop ticks off: the tests tick it), on SQLite and PostgreSQL: cron firing, cool-down, busy, disabled, prefix matching
/// and label counts.
/// </summary>
public abstract class PipelineTriggerTests
{
    protected abstract DatabaseKind Kind { get; }

    [SkippableFact]
    public async Task Schedule_DueTimeReachedOnTheClock_QueuesAScheduleRunNamingItsCronAndDueTime()
    {
        var clock = new TestClock();
        await using var server = await StartAsync(clock);
        // Quartz starts once the monitors' start delay is up on the clock (12:00:03). On PostgreSQL the clustered ticks
        // (ClusterTickSchedules) wait the same 3 s on the clock, and either may create its timer first: one wait answers
        // one timer, so advance once per such timer until the monitors' scheduler has started.
        var started = server.Services.GetRequiredService<MonitorSchedules>().ExecuteTask!;
        for (var advances = 0; advances < 3 && !started.IsCompleted; advances++)
        {
            var timer = clock.WaitForTimerAsync(MonitorSchedules.StartDelay);
            if (await Task.WhenAny(started, timer) != timer || !timer.IsCompletedSuccessfully)
            {
                break;
            }

            clock.Advance(MonitorSchedules.StartDelay);
        }

        // On PostgreSQL, Quartz's clustered store starts by checking in and recovering in the database (a hang bound only).
        await started.WaitAsync(TimeSpan.FromSeconds(120));
        var cron = "0 0 13 * * ?";
        var pipeline = await CreatePipelineAsync(server, "credit", new PipelineTriggers { Cron = cron });
        var schedules = server.Services.GetRequiredService<PipelineSchedules>();
        await server.Services.GetRequiredService<IPipelineScheduleSync>().SyncAsync(pipeline.Name);
        var due = new DateTimeOffset(2026, 3, 1, 13, 0, 0, TimeSpan.Zero);
        Assert.Equal(due, await schedules.NextFireAsync(pipeline.Name));

        clock.Advance(due - clock.GetUtcNow() - TimeSpan.FromSeconds(1));
        Assert.Equal(0L, schedules.Fired);
        Assert.Empty(await FiringsAsync(server, pipeline.Name));

        clock.Advance(TimeSpan.FromSeconds(1));
        await schedules.WaitUntilFiredAsync(1).WaitAsync(TestClock.Bound);

        var firing = Assert.Single(await FiringsAsync(server, pipeline.Name));
        Assert.Equal(TriggerKinds.Schedule, firing.Kind);
        Assert.Equal(FiringOutcomes.Started, firing.Outcome);
        Assert.Equal("cron '0 0 13 * * ?' due at 2026-03-01T13:00:00Z", firing.Reason);
        Assert.Equal(cron, firing.Source);
        var run = Assert.Single(await RunsAsync(server, pipeline.Name));
        Assert.Equal((LoopPhases.Queued, TriggerKinds.Schedule, (Guid?)firing.Id, LoopActors.Loop), (run.Phase, run.TriggerKind, run.FiringId, run.RequestedBy));
        Assert.Equal(due.AddDays(1), await schedules.NextFireAsync(pipeline.Name));

        // A pipeline that loses its cron loses its job at the next tick's resync.
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<IPipelineStore>();
            pipeline.SpecJson = (pipeline.Spec() with { Triggers = new PipelineTriggers() }).ToJson();
            await store.UpdateAsync(pipeline, "test");
        }

        await server.Services.GetRequiredService<LoopWorker>().TickAsync();
        Assert.Null(await schedules.NextFireAsync(pipeline.Name));
    }

    [SkippableFact]
    public async Task Alert_OpenResolveOpenWithinTheCooldown_RecordsACooldownFiring_AndAfterItStartsARun()
    {
        var clock = new TestClock();
        await using var server = await StartAsync(clock);
        var endpoint = $"ep-{Guid.NewGuid():N}";
        var pipeline = await CreatePipelineAsync(server, endpoint, new PipelineTriggers { Alerts = ["drift"], CooldownMinutes = 60 });
        var first = NewAlert(server, endpoint, "drift:income");
        await RaiseAsync(server, new AlertChange(first, "opened"));
        var run = Assert.Single(await RunsAsync(server, pipeline.Name));
        await EndRunAsync(server, run); // the loop finished with it: only the cool-down can hold the next firing back

        // The alert flaps: resolved, then open again 10 minutes after the first started run.
        first.Status = AlertStatus.Resolved;
        await RaiseAsync(server, new AlertChange(first, "resolved"));
        clock.Advance(TimeSpan.FromMinutes(10));
        await RaiseAsync(server, new AlertChange(NewAlert(server, endpoint, "drift:income"), "opened"));
        var firings = await FiringsAsync(server, pipeline.Name);
        Assert.Equal([FiringOutcomes.Started, FiringOutcomes.CoolingDown], firings.Select(f => f.Outcome));
        Assert.Single(await RunsAsync(server, pipeline.Name));

        // 60 minutes after the first started run the cool-down is over.
        clock.Advance(TimeSpan.FromMinutes(50));
        var third = NewAlert(server, endpoint, "drift:income");
        await RaiseAsync(server, new AlertChange(third, "opened"));
        firings = await FiringsAsync(server, pipeline.Name);
        Assert.Equal([FiringOutcomes.Started, FiringOutcomes.CoolingDown, FiringOutcomes.Started], firings.Select(f => f.Outcome));
        Assert.Equal(third.Id.ToString(), firings[2].Source);
        Assert.Equal("drift:income: drift:income failed", firings[2].Reason);
        Assert.Equal(2, (await RunsAsync(server, pipeline.Name)).Count);
    }

    [SkippableFact]
    public async Task Alert_WhileARunIsActive_IsRecordedBusy_AndStartsNoSecondRun()
    {
        var clock = new TestClock();
        await using var server = await StartAsync(clock);
        var endpoint = $"ep-{Guid.NewGuid():N}";
        var pipeline = await CreatePipelineAsync(server, endpoint, new PipelineTriggers { Alerts = ["drift"], CooldownMinutes = 0 });

        await RaiseAsync(server, new AlertChange(NewAlert(server, endpoint, "drift:age"), "opened"));
        clock.Advance(TimeSpan.FromSeconds(1));
        await RaiseAsync(server, new AlertChange(NewAlert(server, endpoint, "drift:income"), "opened"));

        var firings = await FiringsAsync(server, pipeline.Name);
        Assert.Equal([FiringOutcomes.Started, FiringOutcomes.Busy], firings.Select(f => f.Outcome));
        Assert.Null(firings[1].RunId);
        Assert.Equal(firings[0].RunId, Assert.Single(await RunsAsync(server, pipeline.Name)).Id);
    }

    [SkippableFact]
    public async Task Alert_OnADisabledPipeline_IsRecordedDisabled_AndStartsNothing()
    {
        await using var server = await StartAsync(new TestClock());
        var endpoint = $"ep-{Guid.NewGuid():N}";
        var pipeline = await CreatePipelineAsync(server, endpoint, new PipelineTriggers { Alerts = ["drift"] }, enabled: false);

        await RaiseAsync(server, new AlertChange(NewAlert(server, endpoint, "drift:dataset"), "opened"));

        Assert.Equal(FiringOutcomes.Disabled, Assert.Single(await FiringsAsync(server, pipeline.Name)).Outcome);
        Assert.Empty(await RunsAsync(server, pipeline.Name));
    }

    [SkippableFact]
    public async Task Alert_QualityOrResolvedOrOtherEndpoint_DoesNotFireADriftOnlyPipeline_ButFiresTheQualityOne()
    {
        await using var server = await StartAsync(new TestClock());
        var endpoint = $"ep-{Guid.NewGuid():N}";
        var driftOnly = await CreatePipelineAsync(server, endpoint, new PipelineTriggers { Alerts = ["drift"] });
        var quality = await CreatePipelineAsync(server, endpoint, new PipelineTriggers { Alerts = ["quality:missing"] });
        var elsewhere = await CreatePipelineAsync(server, $"ep-{Guid.NewGuid():N}", new PipelineTriggers { Alerts = ["quality", "drift"] });
        var resolvedDrift = NewAlert(server, endpoint, "drift:age");
        resolvedDrift.Status = AlertStatus.Resolved;

        await RaiseAsync(server, new AlertChange(NewAlert(server, endpoint, "quality:missing:age"), "opened"), new AlertChange(resolvedDrift, "resolved"));

        Assert.Empty(await FiringsAsync(server, driftOnly.Name));
        Assert.Empty(await FiringsAsync(server, elsewhere.Name));
        var firing = Assert.Single(await FiringsAsync(server, quality.Name));
        Assert.Equal((TriggerKinds.Alert, FiringOutcomes.Started), (firing.Kind, firing.Outcome));
        Assert.StartsWith("quality:missing:age: ", firing.Reason, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Labels_ReachingTheCount_FireOnce_ThenCountAgainFromThatFiring()
    {
        var clock = new TestClock();
        await using var server = await StartAsync(clock);
        var endpoint = $"ep-{Guid.NewGuid():N}";
        var pipeline = await CreatePipelineAsync(server, endpoint, new PipelineTriggers { NewLabels = 5, CooldownMinutes = 60 });
        var created = clock.GetUtcNow();
        var ids = await LogPredictionsAsync(server, endpoint, 12);
        var loop = server.Services.GetRequiredService<LoopWorker>();
        clock.Advance(TimeSpan.FromSeconds(1));

        await LabelAsync(server, endpoint, ids[..4]);
        await loop.TickAsync();
        Assert.Empty(await FiringsAsync(server, pipeline.Name));

        await LabelAsync(server, endpoint, ids[4..5]);
        await loop.TickAsync();
        await loop.TickAsync(); // the condition still holds, but a run is active: nothing more is recorded
        var firing = Assert.Single(await FiringsAsync(server, pipeline.Name));
        Assert.Equal((TriggerKinds.Labels, FiringOutcomes.Started), (firing.Kind, firing.Outcome));
        Assert.Equal($"5 new labelled rows since {created.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'} (threshold 5)", firing.Reason);
        await EndRunAsync(server, Assert.Single(await RunsAsync(server, pipeline.Name)));

        // Relabelling counts at the new receipt: 2 rows again and 5 new ones, 7 since the firing, within the cool-down.
        clock.Advance(TimeSpan.FromMinutes(1));
        await LabelAsync(server, endpoint, ids[3..5]);
        await LabelAsync(server, endpoint, ids[7..12]);
        await loop.TickAsync();
        Assert.Single(await FiringsAsync(server, pipeline.Name));

        clock.Advance(TimeSpan.FromMinutes(60));
        await loop.TickAsync();
        var firings = await FiringsAsync(server, pipeline.Name);
        Assert.Equal(2, firings.Count);
        Assert.StartsWith("7 new labelled rows since ", firings[1].Reason, StringComparison.Ordinal);
        Assert.Equal(2, (await RunsAsync(server, pipeline.Name)).Count);
    }

    private Task<FerryTestServer> StartAsync(TestClock clock)
    {
        DatabaseRequirement.EnsureAvailable(Kind);
        return FerryTestServer.StartAsync(Kind, services: s => s.Configure<LoopOptions>(o => o.Enabled = false), clock: clock);
    }
}

/// <summary>On SQLite.</summary>
public sealed class SqlitePipelineTriggerTests : PipelineTriggerTests
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;
}

/// <summary>On PostgreSQL.</summary>
public sealed class PostgresPipelineTriggerTests : PipelineTriggerTests
{
    protected override DatabaseKind Kind => DatabaseKind.PostgreSql;
}
