using System.Collections.Concurrent;
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
/// monitors is retried every <see cref="DatabaseOutage.RetryAfter"/> until it succeeds. On PostgreSQL the store is Quartz's
/// clustered one, shared by every replica: each replica applies the stored monitors at start, and a job whose stored cron
/// trigger already says the same is left alone, so a replica joining neither refires nor duplicates it; a delete on one
/// replica deletes for all.
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
    private long _ran;
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<DateTimeOffset> _fireTimes = new();

    /// <summary>Scheduled monitor runs this replica handled (ran or refused).</summary>
    public long Ran => Interlocked.Read(ref _ran);

    /// <summary>The scheduled fire time of every run this replica handled, in order.</summary>
    public IReadOnlyList<DateTimeOffset> FireTimes => [.. _fireTimes];

    /// <summary>Completes once <see cref="Ran"/> reaches <paramref name="count"/> (tests wait on it).</summary>
    public async Task WaitUntilRanAsync(long count, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var progress = Volatile.Read(ref _progress);
            if (Ran >= count)
            {
                return;
            }

            await progress.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Called by <see cref="MonitorJob"/> after each scheduled run.</summary>
    internal void NoteRan(DateTimeOffset scheduledFireTime)
    {
        _fireTimes.Enqueue(scheduledFireTime);
        Interlocked.Increment(ref _ran);
        Interlocked.Exchange(ref _progress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

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
        if (string.IsNullOrWhiteSpace(cron))
        {
            await scheduler.DeleteJob(job, cancellationToken);
            return;
        }

        // Identical data (another replica's start, a save that kept the schedule): keep the stored trigger and its next
        // fire time, so nothing refires or fires twice.
        if (await scheduler.GetTrigger(new TriggerKey(monitorName, Group), cancellationToken) is ICronTrigger stored
            && stored.CronExpressionString == cron && stored.TimeZone.Id == TimeZoneInfo.Utc.Id
            && await scheduler.Exists(job, cancellationToken))
        {
            return;
        }

        var detail = JobBuilder.Create<MonitorJob>().WithIdentity(job).UsingJobData(MonitorJob.MonitorKey, monitorName)
            .RequestRecovery()
            .Build();
        // Built on the server's clock: TriggerBuilder.Create() computes the first fire time from the system clock.
        var trigger = TriggerBuilder.Create(clock).WithIdentity(monitorName, Group)
            .WithCronSchedule(cron, c => c.InTimeZone(TimeZoneInfo.Utc))
            .Build();
        // One store operation replaces the job and its trigger (on the clustered store, under Quartz's lock).
        await scheduler.ScheduleJob(detail, trigger, ScheduleJobOptions.Replacing, cancellationToken);
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

        try
        {
            var scheduler = await schedulers.GetScheduler(cancellationToken);
            await scheduler.Shutdown(waitForJobsToComplete: true, cancellationToken);
        }
        catch (SchedulerException exception)
        {
            // Quartz 4.7 refuses to hand back a scheduler it has already shut down (seen on PostgreSQL's clustered store
            // when the database was stopped before the server): there is nothing left to stop.
            LogAlreadyShutDown(logger, exception.Message);
        }
    }

    /// <summary>Checks a cron expression (Quartz syntax, seconds first).</summary>
    public static bool IsValid(string cron) => CronExpression.TryParse(cron, out _);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Quartz's scheduler was already shut down at stop: {Reason}")]
    private static partial void LogAlreadyShutDown(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduling the stored monitors failed; they can still be run on demand")]
    private static partial void LogLoadFailed(ILogger logger, Exception exception);
}
