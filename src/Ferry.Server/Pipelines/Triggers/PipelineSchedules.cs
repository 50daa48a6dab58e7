using System.Globalization;
using Ferry.Core.Pipelines;
using Quartz;

namespace Ferry.Server.Pipelines.Triggers;

/// <summary>Keeps a pipeline's Quartz schedule in step with its stored spec; the pipelines API calls it after every change.</summary>
public interface IPipelineScheduleSync
{
    /// <summary>Schedules <paramref name="pipelineName"/> as its stored <see cref="PipelineTriggers.Cron"/> says, or unschedules it (deleted, no cron).</summary>
    Task SyncAsync(string pipelineName, CancellationToken cancellationToken = default);
}

/// <summary>
/// The schedule trigger: one Quartz job (<see cref="PipelineJob"/>, group <c>pipelines</c>) per pipeline with a
/// <see cref="PipelineTriggers.Cron"/>, on the scheduler monitors use (started by <c>MonitorSchedules</c>, on the
/// server's <see cref="TimeProvider"/>, cron in UTC). <see cref="SyncAsync"/> applies one pipeline at once (the API
/// calls it after a create, update or delete); <see cref="ReconcileAsync"/>, run by the trigger stage on every loop
/// tick, applies every stored pipeline, so schedules are loaded after start-up and changes made behind the API's back
/// (another process, a restore) are picked up within a tick. A job is only rebuilt when its cron expression changes.
/// Disabled pipelines stay scheduled: their firings are recorded as <c>disabled</c>.
/// </summary>
public sealed partial class PipelineSchedules(ISchedulerFactory schedulers, IServiceScopeFactory scopes, TimeProvider clock, ILogger<PipelineSchedules> logger)
    : IPipelineScheduleSync, IDisposable
{
    /// <summary>The Quartz group of pipeline jobs and triggers.</summary>
    public const string Group = "pipelines";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, string> _applied = new(StringComparer.Ordinal);
    private long _fired;
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Scheduled firings handled so far (recorded or failed).</summary>
    public long Fired => Interlocked.Read(ref _fired);

    /// <inheritdoc />
    public async Task SyncAsync(string pipelineName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(pipelineName);
        TrainingPipeline? pipeline;
        await using (var scope = scopes.CreateAsyncScope())
        {
            pipeline = await scope.ServiceProvider.GetRequiredService<IPipelineStore>().FindAsync(pipelineName, cancellationToken);
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            await ApplyAsync(pipelineName, pipeline is null ? null : CronOf(pipeline), cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Schedules every pipeline of <paramref name="pipelines"/> (all stored ones) and unschedules any other.</summary>
    public async Task ReconcileAsync(IReadOnlyList<TrainingPipeline> pipelines, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipelines);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var wanted = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pipeline in pipelines)
            {
                if (CronOf(pipeline) is { } cron)
                {
                    wanted[pipeline.Name] = cron;
                }
            }

            foreach (var gone in _applied.Keys.Where(name => !wanted.ContainsKey(name)).ToList())
            {
                await ApplyAsync(gone, null, cancellationToken);
            }

            foreach (var (name, cron) in wanted)
            {
                await ApplyAsync(name, cron, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>When the pipeline's schedule fires next, or null when it has none.</summary>
    public async Task<DateTimeOffset?> NextFireAsync(string pipelineName, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var trigger = await scheduler.GetTrigger(new TriggerKey(pipelineName, Group), cancellationToken);
        return trigger?.NextFireTimeUtc;
    }

    /// <summary>Completes once <see cref="Fired"/> reaches <paramref name="count"/> (tests wait on it).</summary>
    public async Task WaitUntilFiredAsync(long count, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var progress = Volatile.Read(ref _progress);
            if (Fired >= count)
            {
                return;
            }

            await progress.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Called by <see cref="PipelineJob"/> after each scheduled firing.</summary>
    internal void NoteFired()
    {
        Interlocked.Increment(ref _fired);
        Interlocked.Exchange(ref _progress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>The reason a scheduled firing records: the cron expression and the fire time it was due at.</summary>
    public static string Reason(string cron, DateTimeOffset due) =>
        string.Create(CultureInfo.InvariantCulture, $"cron '{cron}' due at {due.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}");

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    private async Task ApplyAsync(string name, string? cron, CancellationToken cancellationToken)
    {
        if (_applied.TryGetValue(name, out var current) && current == cron)
        {
            return;
        }

        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var job = new JobKey(name, Group);
        if (cron is null)
        {
            await scheduler.DeleteJob(job, cancellationToken);
            _applied.Remove(name);
            return;
        }

        // On PostgreSQL the store is shared by every replica: one that already holds this schedule keeps its trigger and
        // next fire time (nothing refires or fires twice).
        if (await scheduler.GetTrigger(new TriggerKey(name, Group), cancellationToken) is ICronTrigger stored
            && stored.CronExpressionString == cron && stored.TimeZone.Id == TimeZoneInfo.Utc.Id
            && await scheduler.Exists(job, cancellationToken))
        {
            _applied[name] = cron;
            return;
        }

        await scheduler.DeleteJob(job, cancellationToken);
        _applied.Remove(name);

        var detail = JobBuilder.Create<PipelineJob>().WithIdentity(job)
            .UsingJobData(PipelineJob.PipelineKey, name)
            .UsingJobData(PipelineJob.CronKey, cron)
            .Build();
        // Built on the server's clock: TriggerBuilder.Create() computes the first fire time from the system clock.
        var trigger = TriggerBuilder.Create(clock).WithIdentity(name, Group)
            .WithCronSchedule(cron, c => c.InTimeZone(TimeZoneInfo.Utc))
            .Build();
        await scheduler.ScheduleJob(detail, trigger, cancellationToken: cancellationToken);
        _applied[name] = cron;
        LogScheduled(logger, name, cron);
    }

    private string? CronOf(TrainingPipeline pipeline)
    {
        var cron = TriggerSpecs.Of(pipeline, logger)?.Cron?.Trim();
        if (string.IsNullOrEmpty(cron))
        {
            return null;
        }

        if (!CronExpression.TryParse(cron, out _))
        {
            LogInvalidCron(logger, pipeline.Name, cron);
            return null;
        }

        return cron;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pipeline {Pipeline} is scheduled: cron '{Cron}' (UTC)")]
    private static partial void LogScheduled(ILogger logger, string pipeline, string cron);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pipeline {Pipeline}'s cron expression '{Cron}' is not valid Quartz syntax; it is not scheduled")]
    private static partial void LogInvalidCron(ILogger logger, string pipeline, string cron);
}
