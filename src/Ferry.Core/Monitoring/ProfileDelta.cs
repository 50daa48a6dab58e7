using Ferry.Statistics.Profiles;

namespace Ferry.Core.Monitoring;

/// <summary>What one replica folded into one bucket since its last flush.</summary>
/// <param name="EndpointName">Endpoint.</param>
/// <param name="ModelName">Model that answered.</param>
/// <param name="ModelVersion">Version that answered.</param>
/// <param name="BucketStart">Bucket start, epoch ms.</param>
/// <param name="BucketMillis">Bucket width, ms.</param>
/// <param name="Profile">The profile of those rows (its <see cref="DatasetProfile.Rows"/> are the rows folded in).</param>
public sealed record ProfileDelta(string EndpointName, string ModelName, int ModelVersion, long BucketStart, long BucketMillis, DatasetProfile Profile);
