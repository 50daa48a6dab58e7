using Quartz;

namespace Ferry.Server.Scheduling;

/// <summary>
/// On PostgreSQL (<see cref="ClusteredScheduling.RunsTicks"/>), puts every <see cref="ClusterTick"/> in Quartz's shared
/// store once the server listens (<see cref="StartDelay"/> later, on <see cref="TimeProvider"/>'s clock): a durable
/// <see cref="ClusterTickJob"/> that requests recovery, with a repeating trigger. Every replica does this at start;
/// a job whose stored trigger already repeats at the same interval is left alone, so a replica joining neither
/// refires nor duplicates it. A tick whose feature is off (no interval) is removed.
/// </summary>
public sealed partial class ClusterTickSchedules(
    ISchedulerFactory schedulers,
    ClusteredScheduling scheduling,
    IEnumerable<ClusterTick> ticks,
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    TimeProvider clock,
    ILogger<ClusterTickSchedules> logger) : BackgroundService
{
    /// <summary>The Quartz group of the tick jobs and triggers.</summary>
    public const string Group = "ferry-ticks";

    /// <summary>Wait after start before the ticks are scheduled (start-up and the first requests come first).</summary>
    public static readonly TimeSpan StartDelay = TimeSpan.FromSeconds(3);

    /// <summary>Wait between two tries while the database cannot be reached.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    private readonly TaskCompletionSource _scheduled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the ticks are in the store (never when ticks are not clustered).</summary>
    public Task Scheduled => _scheduled.Task;

    /// <summary>Schedules every tick as its feature says, leaving alone a stored one that already matches.</summary>
    public async Task ApplyAllAsync(CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        foreach (var tick in ticks)
        {
            var job = new JobKey(tick.Name, Group);
            var key = new TriggerKey(tick.Name, Group);
            if (tick.Interval(services) is not { } interval)
            {
                await scheduler.DeleteJob(job, cancellationToken);
                continue;
            }

            if (await scheduler.GetTrigger(key, cancellationToken) is ISimpleTrigger stored && stored.RepeatInterval == interval
                && await scheduler.Exists(job, cancellationToken))
            {
                continue;
            }

            var detail = JobBuilder.Create<ClusterTickJob>().WithIdentity(job)
                .UsingJobData(ClusterTickJob.TickKey, tick.Name)
                .StoreDurably()
                .RequestRecovery()
                .Build();
            var trigger = TriggerBuilder.Create(clock).WithIdentity(key)
                .StartAt(clock.GetUtcNow() + interval)
                .WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount))
                .Build();
            await scheduler.ScheduleJob(detail, trigger, ScheduleJobOptions.Replacing, cancellationToken);
            LogScheduled(logger, tick.Name, interval);
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!scheduling.RunsTicks)
        {
            return;
        }

        try
        {
            await StartedAsync(stoppingToken);
            await Task.Delay(StartDelay, clock, stoppingToken);
            while (true)
            {
                try
                {
                    await ApplyAllAsync(stoppingToken);
                    _scheduled.TrySetResult();
                    return;
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogFailed(logger, exception);
                    await Task.Delay(RetryDelay, clock, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task StartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            await started.Task;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled the clustered pass {Tick} every {Interval}")]
    private static partial void LogScheduled(ILogger logger, string tick, TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduling the clustered passes failed; retrying")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
