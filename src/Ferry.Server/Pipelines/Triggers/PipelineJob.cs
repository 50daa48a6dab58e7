using Ferry.Core.Errors;
using Ferry.Core.Pipelines;
using Quartz;

namespace Ferry.Server.Pipelines.Triggers;

/// <summary>
/// The Quartz job of one pipeline's cron schedule: fires it through <see cref="PipelineFiring"/> (kind
/// <c>schedule</c>, reason the cron expression and the fire time it was due at, source the cron expression).
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class PipelineJob(IServiceScopeFactory scopes, PipelineSchedules schedules, ILogger<PipelineJob> logger) : IJob
{
    /// <summary>The job-data key holding the pipeline's name.</summary>
    public const string PipelineKey = "pipeline";

    /// <summary>The job-data key holding the cron expression the job was scheduled with.</summary>
    public const string CronKey = "cron";

    /// <inheritdoc />
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var name = context.MergedJobDataMap.GetString(PipelineKey) ?? string.Empty;
        var cron = context.MergedJobDataMap.GetString(CronKey) ?? string.Empty;
        var due = context.ScheduledFireTimeUtc ?? context.FireTimeUtc;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var (firing, _) = await scope.ServiceProvider.GetRequiredService<PipelineFiring>()
                .FireAsync(name, TriggerKinds.Schedule, PipelineSchedules.Reason(cron, due), cron, LoopActors.Loop, cancellationToken);
            LogFired(logger, name, cron, firing.Outcome);
        }
        catch (NotFoundException)
        {
            LogGone(logger, name);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, name, exception);
        }
        finally
        {
            schedules.NoteFired();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pipeline {Pipeline} fired on its schedule '{Cron}': {Outcome}")]
    private static partial void LogFired(ILogger logger, string pipeline, string cron, string outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pipeline {Pipeline} was deleted; its schedule is removed at the next sync")]
    private static partial void LogGone(ILogger logger, string pipeline);

    [LoggerMessage(Level = LogLevel.Error, Message = "Firing pipeline {Pipeline} on its schedule failed")]
    private static partial void LogFailed(ILogger logger, string pipeline, Exception exception);
}
