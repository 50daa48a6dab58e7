namespace Ferry.Core.Monitoring;

/// <summary>
/// Port: per-bucket profiles of served rows. Each replica writes only its own rows (keyed by replica id), merging a
/// delta into its row for the bucket with <see cref="BucketProfileMerge.Merge"/>, so replicas never contend; reports
/// read every replica's rows and merge them. Telemetry, not audited.
/// </summary>
public interface IProfileBucketStore
{
    /// <summary>Merges each delta into this replica's row for its bucket (creating it), all in one transaction.</summary>
    Task UpsertAsync(string replicaId, IReadOnlyList<ProfileDelta> deltas, CancellationToken cancellationToken = default);

    /// <summary>The buckets of an endpoint's version starting in [<paramref name="from"/>, <paramref name="until"/>), every replica, by start.</summary>
    Task<IReadOnlyList<BucketProfile>> ListAsync(string endpointName, string modelName, int version, long from, long until, CancellationToken cancellationToken = default);

    /// <summary>Rows per version of an endpoint in buckets starting in [<paramref name="from"/>, <paramref name="until"/>), most first.</summary>
    Task<IReadOnlyList<VersionRows>> VersionsAsync(string endpointName, long from, long until, CancellationToken cancellationToken = default);
}
