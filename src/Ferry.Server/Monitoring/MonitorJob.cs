using System.Globalization;
using Ferry.Core.Errors;
using Quartz;

namespace Ferry.Server.Monitoring;

/// <summary>The Quartz job that runs one monitor on its schedule; one run of a monitor at a time.</summary>
[DisallowConcurrentExecution]
public sealed partial class MonitorJob(IServiceScopeFactory scopes, MonitorSchedules schedules, ILogger<MonitorJob> logger) : IJob
{
    /// <summary>The job-data key holding the monitor's name.</summary>
    public const string MonitorKey = "monitor";

    /// <summary>The actor audit events of scheduled runs name.</summary>
    public const string Actor = "scheduler";

    /// <inheritdoc />
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var name = context.MergedJobDataMap.GetString(MonitorKey) ?? string.Empty;
        var fire = FireTimeOf(context.ScheduledFireTimeUtc, context.FireTimeUtc);
        var fireText = fire.ToString("O", CultureInfo.InvariantCulture);
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            var report = await scope.ServiceProvider.GetRequiredService<MonitorRunner>().RunAsync(name, null, "schedule", Actor, cancellationToken);
            LogRan(logger, name, fireText, report.Status, report.FailedChecks);
        }
        catch (FerryException exception)
        {
            LogRefused(logger, name, fireText, exception.Message);
        }

        // Counted once handled (a run cancelled by shutdown is not): tests compare these with the stored reports.
        schedules.NoteRan(fire);
    }

    private static DateTimeOffset FireTimeOf(DateTimeOffset? scheduled, DateTimeOffset? fired) => scheduled ?? fired ?? DateTimeOffset.MinValue;

    // Each line names the fire it ran for (Quartz's scheduled time), so whoever reads the logs of several replicas can
    // tell one fire run twice from two fires.
    [LoggerMessage(Level = LogLevel.Information, Message = "Monitor {Monitor} ran on schedule (fire {Fire}): {Status}, {Failed} failed check(s)")]
    private static partial void LogRan(ILogger logger, string monitor, string fire, string status, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Monitor {Monitor} could not run on schedule (fire {Fire}): {Reason}")]
    private static partial void LogRefused(ILogger logger, string monitor, string fire, string reason);
}
