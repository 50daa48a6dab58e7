namespace Ferry.Core.Monitoring;

/// <summary>
/// The profile of one endpoint's served rows for one model version over one time bucket, as folded by one replica.
/// Reports merge buckets (and replicas) instead of rescanning rows. Times are epoch ms.
/// </summary>
public sealed class ProfileBucket
{
    /// <summary>Surrogate key.</summary>
    public Guid Id { get; set; }

    /// <summary>The endpoint that served the rows.</summary>
    public required string EndpointName { get; set; }

    /// <summary>The model that answered.</summary>
    public required string ModelName { get; set; }

    /// <summary>The version that answered.</summary>
    public int ModelVersion { get; set; }

    /// <summary>Start of the bucket, epoch ms (a multiple of the bucket width).</summary>
    public long BucketStart { get; set; }

    /// <summary>Width of the bucket in ms.</summary>
    public long BucketMillis { get; set; }

    /// <summary>The replica that folded these rows (each replica owns its rows, so replicas never contend).</summary>
    public required string ReplicaId { get; set; }

    /// <summary>Rows folded in.</summary>
    public long Rows { get; set; }

    /// <summary>The <c>DatasetProfile</c>, as JSON.</summary>
    public required string ProfileJson { get; set; }

    /// <summary>Last write, epoch ms.</summary>
    public long UpdatedAt { get; set; }
}
