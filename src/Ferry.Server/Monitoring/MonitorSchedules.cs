using System.Text.Json;
using Ferry.Core.Monitoring;
using Ferry.Server.Health;
using Quartz;

namespace Ferry.Server.Monitoring;

/// <summary>
/// Keeps Quartz's triggers in step with the monitors: one job per monitor with a schedule (a Quartz cron expression),
/// replaced when the monitor changes and removed when it is deleted or loses its schedule. It starts Quartz's scheduler
/// (in-memory store) <see cref="StartDelay"/> after the server started listening (on <see cref="TimeProvider"/>'s clock), schedules every stored monitor, and
/// shuts the scheduler down at stop, letting a running monitor finish. Monitors saved before then are scheduled as
/// they are saved (Quartz's scheduler exists before it starts). While the database is unavailable, reading the stored
/// monitors is retried every <see cref="DatabaseOutage.RetryAfter"/> until it succeeds.
/// </summary>
public sealed partial class MonitorSchedules(
    ISchedulerFactory schedulers,
    IServiceScopeFactory scopes,
    IHostApplicationLifetime lifetime,
    TimeProvider clock,
    DatabaseOutage outage,
    ILogger<MonitorSchedules> logger) : BackgroundService
{
    private const string Group = "monitors";

    private int _stopped;

    /// <summary>
    /// Wait after start before Quartz starts and the stored monitors are read: neither should share two cores with
    /// start-up and the first requests (the first database query of a process is its most expensive).
    /// </summary>
    public static readonly TimeSpan StartDelay = TimeSpan.FromSeconds(3);

    /// <summary>Schedules (or unschedules) one monitor as its spec says.</summary>
    public async Task ApplyAsync(string monitorName, string? cron, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var job = new JobKey(monitorName, Group);
        await scheduler.DeleteJob(job, cancellationToken);
        if (string.IsNullOrWhiteSpace(cron))
        {
            return;
        }

        var detail = JobBuilder.Create<MonitorJob>().WithIdentity(job).UsingJobData(MonitorJob.MonitorKey, monitorName).Build();
        var trigger = TriggerBuilder.Create().WithIdentity(monitorName, Group)
            .WithCronSchedule(cron, c => c.InTimeZone(TimeZoneInfo.Utc))
            .Build();
        await scheduler.ScheduleJob(detail, trigger, cancellationToken: cancellationToken);
    }

    /// <summary>When a monitor is scheduled to run next, or null.</summary>
    public async Task<DateTimeOffset?> NextRunAsync(string monitorName, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var trigger = await scheduler.GetTrigger(new TriggerKey(monitorName, Group), cancellationToken);
        return trigger?.NextFireTimeUtc;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await StartedAsync(stoppingToken);
            await Task.Delay(StartDelay, clock, stoppingToken);
            var scheduler = await schedulers.GetScheduler(stoppingToken);
            await scheduler.Start(stoppingToken);
            var monitors = await ListMonitorsAsync(stoppingToken);
            foreach (var monitor in monitors)
            {
                var spec = JsonSerializer.Deserialize(monitor.SpecJson, MonitoringJsonContext.Default.MonitorSpec);
                await ApplyAsync(monitor.Name, spec?.Schedule, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            LogLoadFailed(logger, exception);
        }
    }

    private async Task<IReadOnlyList<MonitorDefinition>> ListMonitorsAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                return await scope.ServiceProvider.GetRequiredService<IMonitorStore>().ListMonitorsAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException && outage.Observe(exception))
            {
                await Task.Delay(outage.RetryAfter, clock, stoppingToken);
            }
        }
    }

    /// <summary>Completes once the host has started (cancelled if it stops first).</summary>
    private async Task StartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            await started.Task;
        }
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);

        // A host stopped twice (stopped, then disposed after WaitForShutdown) must not ask Quartz for a scheduler it
        // has already shut down: that throws.
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        var scheduler = await schedulers.GetScheduler(cancellationToken);
        await scheduler.Shutdown(waitForJobsToComplete: true, cancellationToken);
    }

    /// <summary>Checks a cron expression (Quartz syntax, seconds first).</summary>
    public static bool IsValid(string cron) => CronExpression.TryParse(cron, out _);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduling the stored monitors failed; they can still be run on demand")]
    private static partial void LogLoadFailed(ILogger logger, Exception exception);
}
