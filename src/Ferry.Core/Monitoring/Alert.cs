namespace Ferry.Core.Monitoring;

/// <summary>
/// A failed check of a monitor. While it is open, later failures of the same check update it rather than opening
/// another; the first later run where the check passes resolves it. Times are epoch ms.
/// </summary>
public sealed class Alert
{
    /// <summary>Surrogate key.</summary>
    public Guid Id { get; set; }

    /// <summary>The monitor whose check failed.</summary>
    public required string MonitorName { get; set; }

    /// <summary>The endpoint watched.</summary>
    public required string EndpointName { get; set; }

    /// <summary>The check's key, e.g. <c>drift:income</c>.</summary>
    public required string CheckKey { get; set; }

    /// <summary><see cref="AlertStatus"/> as text.</summary>
    public required string Status { get; set; }

    /// <summary>What failed, in words (the latest failure).</summary>
    public required string Message { get; set; }

    /// <summary>When it opened.</summary>
    public long OpenedAt { get; set; }

    /// <summary>The latest failing run.</summary>
    public long LastSeenAt { get; set; }

    /// <summary>When it was resolved, if it was.</summary>
    public long? ResolvedAt { get; set; }

    /// <summary>How many runs failed this check while it was open.</summary>
    public int Occurrences { get; set; }

    /// <summary>The report that opened it.</summary>
    public Guid OpenedByReportId { get; set; }

    /// <summary>The latest report that touched it.</summary>
    public Guid LastReportId { get; set; }
}

/// <summary>Alert states.</summary>
public static class AlertStatus
{
    /// <summary>The check is failing.</summary>
    public const string Open = "open";

    /// <summary>A later run passed the check.</summary>
    public const string Resolved = "resolved";
}
