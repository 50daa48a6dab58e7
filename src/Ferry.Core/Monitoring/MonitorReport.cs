namespace Ferry.Core.Monitoring;

/// <summary>One run of a monitor: the window it looked at, whether every check passed, and the full report. Times are epoch ms.</summary>
public sealed class MonitorReport
{
    /// <summary>Surrogate key (time-ordered).</summary>
    public Guid Id { get; set; }

    /// <summary>The monitor's name.</summary>
    public required string MonitorName { get; set; }

    /// <summary>The endpoint watched.</summary>
    public required string EndpointName { get; set; }

    /// <summary>When it ran.</summary>
    public long RanAt { get; set; }

    /// <summary>Window start (inclusive).</summary>
    public long WindowStart { get; set; }

    /// <summary>Window end (exclusive).</summary>
    public long WindowEnd { get; set; }

    /// <summary><see cref="ReportStatus"/> as text.</summary>
    public required string Status { get; set; }

    /// <summary>What started it: <c>schedule</c> or <c>manual</c>.</summary>
    public required string Trigger { get; set; }

    /// <summary>How many checks failed.</summary>
    public int FailedChecks { get; set; }

    /// <summary>The <c>MonitorReportBody</c>, as JSON.</summary>
    public required string ReportJson { get; set; }
}

/// <summary>Outcome of a monitor run.</summary>
public static class ReportStatus
{
    /// <summary>Every check passed.</summary>
    public const string Passed = "passed";

    /// <summary>At least one check failed.</summary>
    public const string Failed = "failed";

    /// <summary>The window had too few rows to judge; nothing was checked.</summary>
    public const string NotEnoughData = "not_enough_data";
}
