using Quartz;

namespace Ferry.Server.Scheduling;

/// <summary>
/// The Quartz job of one <see cref="ClusterTick"/> (named in its job data): durable, one run at a time across the
/// cluster, and recovered by another replica when the one running it dies.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class ClusterTickJob(
    IServiceProvider services,
    IEnumerable<ClusterTick> ticks,
    ClusteredScheduling scheduling,
    ILogger<ClusterTickJob> logger) : IJob
{
    /// <summary>The job-data key holding the tick's name.</summary>
    public const string TickKey = "tick";

    /// <inheritdoc />
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var name = context.MergedJobDataMap.GetString(TickKey) ?? string.Empty;
        var tick = ticks.FirstOrDefault(t => t.Name == name);
        if (tick is null)
        {
            LogUnknown(logger, name);
            return;
        }

        try
        {
            await tick.RunAsync(services, cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The next firing tries again, as the background service's loop does.
            LogFailed(logger, name, exception);
        }
        finally
        {
            scheduling.NoteRan(name, FireTimeOf(context.ScheduledFireTimeUtc, context.FireTimeUtc));
        }
    }

    private static DateTimeOffset FireTimeOf(DateTimeOffset? scheduled, DateTimeOffset? fired) => scheduled ?? fired ?? DateTimeOffset.MinValue;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The scheduled pass {Tick} is not known to this replica; skipped")]
    private static partial void LogUnknown(ILogger logger, string tick);

    [LoggerMessage(Level = LogLevel.Error, Message = "The scheduled pass {Tick} failed; its next firing tries again")]
    private static partial void LogFailed(ILogger logger, string tick, Exception exception);
}
