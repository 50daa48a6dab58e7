using Microsoft.Extensions.Options;

namespace Ferry.Server.Scheduling;

/// <summary>
/// How Quartz runs on PostgreSQL (its clustered ADO.NET job store); bound from <c>Ferry:Scheduler</c>. On SQLite Quartz
/// keeps its in-memory store and these settings are not used.
/// </summary>
public sealed class SchedulerOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ferry:Scheduler";

    /// <summary>The Quartz table prefix Ferry's PostgreSQL migration creates the tables under.</summary>
    public const string TablePrefix = "qrtz_";

    /// <summary>The scheduler name every replica shares (Quartz's <c>sched_name</c> column).</summary>
    public const string SchedulerName = "ferry";

    /// <summary>How often each replica records in the database that it is alive (default 5 s).</summary>
    public TimeSpan CheckinInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long past a missed check-in the other replicas wait before they treat a replica as dead and recover the
    /// jobs it was running (default 10 s). A dead replica's work is taken over within <see cref="CheckinInterval"/> plus
    /// this threshold.
    /// </summary>
    public TimeSpan CheckinMisfireThreshold { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How late a trigger may fire before it counts as misfired and its misfire instruction applies (default 30 s).</summary>
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// True (the default) runs the periodic work that must happen once across replicas (retention, sealing, the loop's
    /// tick, the override-rate pass, the registry-webhook sweep) as clustered Quartz jobs on PostgreSQL. False leaves it
    /// to each replica's background service, as on SQLite.
    /// </summary>
    public bool ClusteredTicks { get; set; } = true;
}

/// <summary>Checks <see cref="SchedulerOptions"/> at start-up.</summary>
internal sealed class SchedulerOptionsValidator : IValidateOptions<SchedulerOptions>
{
    public ValidateOptionsResult Validate(string? name, SchedulerOptions options)
    {
        var errors = new List<string>();
        if (options.CheckinInterval < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{SchedulerOptions.Section}:{nameof(options.CheckinInterval)} must be at least 1 s, not {options.CheckinInterval}");
        }

        if (options.CheckinMisfireThreshold < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{SchedulerOptions.Section}:{nameof(options.CheckinMisfireThreshold)} must be at least 1 s, not {options.CheckinMisfireThreshold}");
        }

        if (options.MisfireThreshold < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{SchedulerOptions.Section}:{nameof(options.MisfireThreshold)} must be at least 1 s, not {options.MisfireThreshold}");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
