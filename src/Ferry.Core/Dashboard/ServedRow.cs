namespace Ferry.Core.Dashboard;

/// <summary>A served prediction's time and server-side latency.</summary>
/// <param name="Timestamp">When it was served, epoch ms.</param>
/// <param name="LatencyMicros">Latency of the request that produced it, µs.</param>
public readonly record struct ServedRow(long Timestamp, long LatencyMicros);
