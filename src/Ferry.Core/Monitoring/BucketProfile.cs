using Ferry.Statistics.Profiles;

namespace Ferry.Core.Monitoring;

/// <summary>One replica's stored profile of one bucket, read back as a typed profile.</summary>
/// <param name="EndpointName">The endpoint that served the rows.</param>
/// <param name="ModelName">The model that answered.</param>
/// <param name="ModelVersion">The version that answered.</param>
/// <param name="BucketStart">Start of the bucket, epoch ms.</param>
/// <param name="BucketMillis">Width of the bucket, ms.</param>
/// <param name="ReplicaId">The replica that folded the rows.</param>
/// <param name="Profile">The profile of the rows.</param>
public sealed record BucketProfile(string EndpointName, string ModelName, int ModelVersion, long BucketStart, long BucketMillis, string ReplicaId, DatasetProfile Profile);
