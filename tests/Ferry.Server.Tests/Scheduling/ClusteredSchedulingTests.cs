using System.Net;
using System.Net.Http.Json;
using Ferry.Server.Monitoring;
using Ferry.Server.Pipelines;
using Ferry.Server.Scheduling;
using Ferry.Server.Tests.Serving;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;
using static Ferry.Server.Tests.Mlflow.Registry.RegistryTestKit;

namespace Ferry.Server.Tests.Scheduling;

/// <summary>
/// Two in-process replicas on one PostgreSQL database share Quartz's clustered job store: a monitor scheduled every
/// two seconds fires on one replica per fire time (with separate in-memory stores each would fire it), a monitor saved
/// on one replica is run by the other once the first stops (an in-memory store would never hear of it), and the loop's
/// tick runs as one clustered job instead of each replica's loop. The tests wait on real Quartz firings (the servers
/// run on the system clock), bounded only to catch a hang.
/// </summary>
public sealed class ClusteredSchedulingTests
{
    private const string EveryTwoSeconds = "0/2 * * * * ?";

    /// <summary>A bound that only catches a hang: a handful of two-second firings fit many times over.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    [SkippableFact]
    public async Task Monitor_ScheduledOnTwoReplicas_RunsOncePerFireTime()
    {
        DatabaseRequirement.EnsureAvailable(DatabaseKind.PostgreSql);
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.PostgreSql);
        var first = await FerryTestServer.StartOnAsync(database);
        FerryTestServer? second = null;
        var monitor = UniqueName("mon");
        MonitorSchedules a, b;
        try
        {
            Assert.True(first.Services.GetRequiredService<ClusteredScheduling>().Clustered);
            await CreateMonitorAsync(first, monitor);

            // The second replica schedules the stored monitor at its start, as every replica does.
            second = await StartReplicaAsync(database, first);
            a = first.Services.GetRequiredService<MonitorSchedules>();
            b = second.Services.GetRequiredService<MonitorSchedules>();
            await a.ExecuteTask!.WaitAsync(Bound);
            Assert.NotNull(await b.NextRunAsync(monitor));
            Assert.Equal(2, await CountAsync(database, "SELECT count(*) FROM qrtz_scheduler_state"));
            await WaitForRunsAsync(() => a.Ran + b.Ran, a.Ran + b.Ran + 5, a, b);
        }
        finally
        {
            // A graceful stop lets a run in flight finish (and store its report) first.
            await first.DisposeAsync();
            if (second is not null)
            {
                await second.DisposeAsync();
            }
        }

        var fireTimes = a.FireTimes.Concat(b.FireTimes).ToList();
        Assert.Equal(fireTimes.Count, fireTimes.Distinct().Count());
        Assert.Equal(fireTimes.Count, await ScheduledReportsAsync(database, monitor));
    }

    [SkippableFact]
    public async Task Monitor_SavedOnOneReplica_IsRunByTheOtherOnceItStops()
    {
        DatabaseRequirement.EnsureAvailable(DatabaseKind.PostgreSql);
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.PostgreSql);
        var first = await FerryTestServer.StartOnAsync(database);
        await using var second = await StartReplicaAsync(database, first);
        var a = first.Services.GetRequiredService<MonitorSchedules>();
        var b = second.Services.GetRequiredService<MonitorSchedules>();

        // Saved after both replicas started: only the shared store tells the second replica about it.
        var monitor = UniqueName("mon");
        await CreateMonitorAsync(first, monitor);
        await first.DisposeAsync();
        var before = b.Ran;
        await WaitForRunsAsync(() => b.Ran, before + 3, b);

        var fireTimes = a.FireTimes.Concat(b.FireTimes).ToList();
        Assert.Equal(fireTimes.Count, fireTimes.Distinct().Count());
    }

    [SkippableFact]
    public async Task LoopTick_OnTwoReplicas_RunsOncePerFiring_AndNotByTheirOwnLoops()
    {
        DatabaseRequirement.EnsureAvailable(DatabaseKind.PostgreSql);
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.PostgreSql);
        static void FastLoop(IServiceCollection services) => services.Configure<LoopOptions>(o => o.TickInterval = TimeSpan.FromSeconds(1));
        await using var first = await FerryTestServer.StartOnAsync(database, services: FastLoop);
        await using var second = await FerryTestServer.StartOnAsync(database, o => o.AdminToken = first.AdminToken, services: FastLoop);
        var a = first.Services.GetRequiredService<ClusteredScheduling>();
        var b = second.Services.GetRequiredService<ClusteredScheduling>();

        using (var bound = new CancellationTokenSource(Bound))
        {
            while (a.Ran("loop") + b.Ran("loop") < 5)
            {
                Assert.False(bound.IsCancellationRequested, $"only {a.Ran("loop") + b.Ran("loop")} loop ticks within {Bound.TotalSeconds} s");
                await Task.WhenAny(a.WaitUntilRanAsync("loop", a.Ran("loop") + 1, bound.Token), b.WaitUntilRanAsync("loop", b.Ran("loop") + 1, bound.Token));
            }
        }

        var fireTimes = a.FireTimes("loop").Concat(b.FireTimes("loop")).ToList();
        Assert.Equal(fireTimes.Count, fireTimes.Distinct().Count());
        Assert.True(first.Services.GetRequiredService<LoopWorker>().ExecuteTask!.IsCompletedSuccessfully, "the first replica's own loop is ticking");
        Assert.True(second.Services.GetRequiredService<LoopWorker>().ExecuteTask!.IsCompletedSuccessfully, "the second replica's own loop is ticking");
    }

    // A second replica of first's deployment, once it has scheduled the stored monitors.
    private static async Task<FerryTestServer> StartReplicaAsync(TestDatabase database, FerryTestServer first)
    {
        var second = await FerryTestServer.StartOnAsync(database, o => o.AdminToken = first.AdminToken);
        await second.Services.GetRequiredService<MonitorSchedules>().ExecuteTask!.WaitAsync(Bound);
        return second;
    }

    private static async Task CreateMonitorAsync(FerryTestServer server, string monitor)
    {
        var model = UniqueName("model");
        var version = await ServingTestKit.RegisterTestDataAsync(server, model, "credit_pipeline.onnx");
        var endpoint = UniqueName("ep");
        await ServingTestKit.DeployAsync(server, endpoint, new { model, version, weight = 100 });
        using var created = await server.CreateAdminClient().PutAsJsonAsync($"/api/v1/monitors/{monitor}", new { endpoint, spec = new { windowSeconds = 3600, schedule = EveryTwoSeconds } });
        await created.AssertJsonAsync(HttpStatusCode.OK);
    }

    private static async Task WaitForRunsAsync(Func<long> ran, long count, params MonitorSchedules[] replicas)
    {
        using var bound = new CancellationTokenSource(Bound);
        while (ran() < count)
        {
            Assert.False(bound.IsCancellationRequested, $"only {ran()} of {count} scheduled monitor runs within {Bound.TotalSeconds} s");
            await Task.WhenAny(replicas.Select(r => r.WaitUntilRanAsync(r.Ran + 1, bound.Token)));
        }
    }

    private static async Task<long> CountAsync(TestDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<long> ScheduledReportsAsync(TestDatabase database, string monitor)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM monitor_reports WHERE monitor_name = @monitor AND trigger = 'schedule'", connection);
        command.Parameters.AddWithValue("monitor", monitor);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
