namespace Ferry.Core.Monitoring;

/// <summary>A monitor of one endpoint: what to check over which window, and when. Times are epoch ms.</summary>
public sealed class MonitorDefinition
{
    /// <summary>Surrogate key.</summary>
    public Guid Id { get; set; }

    /// <summary>Unique name.</summary>
    public required string Name { get; set; }

    /// <summary>The endpoint watched.</summary>
    public required string EndpointName { get; set; }

    /// <summary>The <see cref="MonitorSpec"/>, as JSON.</summary>
    public required string SpecJson { get; set; }

    /// <summary>Who created it.</summary>
    public string CreatedBy { get; set; } = string.Empty;

    /// <summary>Creation time, epoch ms.</summary>
    public long CreatedAt { get; set; }

    /// <summary>Last change, epoch ms.</summary>
    public long UpdatedAt { get; set; }
}
