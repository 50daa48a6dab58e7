using Ferry.Server.Monitoring;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Server.Tests.Monitoring;

/// <summary>Monitor schedules on a <see cref="TestClock"/>: Quartz starts at the start delay after start-up, not before.</summary>
public sealed class MonitorSchedulesTests
{
    [SkippableFact]
    public async Task Scheduler_StartsWhenTheStartDelayIsUpOnTheClock_NotBefore()
    {
        DatabaseRequirement.EnsureAvailable(DatabaseKind.Sqlite);
        var clock = new TestClock();
        await using var server = await FerryTestServer.StartAsync(DatabaseKind.Sqlite, clock: clock);
        var loading = server.Services.GetRequiredService<MonitorSchedules>().ExecuteTask!;

        await clock.WaitForTimerAsync(MonitorSchedules.StartDelay);
        clock.Advance(MonitorSchedules.StartDelay - TimeSpan.FromTicks(1));
        Assert.False(loading.IsCompleted, "the stored monitors were loaded before the start delay was up");

        // Once the delay is up, Quartz starts and the stored monitors are scheduled: the service's work is done.
        clock.Advance(TimeSpan.FromTicks(1));
        await loading.WaitAsync(TestClock.Bound);
        Assert.True(loading.IsCompletedSuccessfully);
    }
}
