namespace Ferry.Server.Monitoring;

/// <summary>How served rows are folded into profiles.</summary>
public sealed record ProfileOptions
{
    /// <summary>Width of a profile bucket (the finest time resolution of reports).</summary>
    public TimeSpan BucketWidth { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How often folded profiles are written to the database.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Served batches waiting to be folded; beyond this a batch is not profiled and is counted.</summary>
    public int QueueCapacity { get; init; } = 4096;

    /// <summary>This replica's id in the profile table (default: the machine name).</summary>
    public string ReplicaId { get; init; } = Environment.MachineName;
}
