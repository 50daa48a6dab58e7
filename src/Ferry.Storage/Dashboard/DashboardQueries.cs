using Ferry.Core.Monitoring;
using Ferry.Core.Serving;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Dashboard;

/// <summary>A served prediction's time and server-side latency.</summary>
/// <param name="Timestamp">When it was served, epoch ms.</param>
/// <param name="LatencyMicros">Latency of the request that produced it, µs.</param>
public readonly record struct ServedRow(long Timestamp, long LatencyMicros);

/// <summary>A served prediction's answer with the ground truth that came back for it.</summary>
/// <param name="Timestamp">When it was served, epoch ms.</param>
/// <param name="OutputsJson">The answer, as JSON.</param>
/// <param name="Label">The true class.</param>
public sealed record LabelledRow(long Timestamp, string OutputsJson, string? Label);

/// <summary>Read-only queries behind the web dashboard's charts (one endpoint, one time window at a time).</summary>
public sealed class DashboardQueries(FerryDbContext db)
{
    /// <summary>Most rows one chart reads; a window with more shows its latest rows only.</summary>
    public const int MaxRows = 500_000;

    /// <summary>Time and latency of every prediction the endpoint served in [from, to).</summary>
    public async Task<IReadOnlyList<ServedRow>> ServedAsync(string endpoint, long from, long to, CancellationToken cancellationToken = default) =>
        await db.Predictions.AsNoTracking()
            .Where(p => p.EndpointName == endpoint && p.Timestamp >= from && p.Timestamp < to)
            .OrderByDescending(p => p.Timestamp)
            .Take(MaxRows)
            .Select(p => new ServedRow(p.Timestamp, p.LatencyMicros))
            .ToListAsync(cancellationToken);

    /// <summary>Predictions served in [from, to) whose ground truth has arrived, with it.</summary>
    public async Task<IReadOnlyList<LabelledRow>> LabelledAsync(string endpoint, long from, long to, CancellationToken cancellationToken = default) =>
        await db.Predictions.AsNoTracking()
            .Where(p => p.EndpointName == endpoint && p.Timestamp >= from && p.Timestamp < to)
            .Join(db.PredictionFeedback.AsNoTracking(), p => p.Id, f => f.PredictionId, (p, f) => new { p.Timestamp, p.OutputsJson, f.Label })
            .OrderByDescending(r => r.Timestamp)
            .Take(MaxRows)
            .Select(r => new LabelledRow(r.Timestamp, r.OutputsJson, r.Label))
            .ToListAsync(cancellationToken);

    /// <summary>The endpoint's latest predictions, newest first.</summary>
    public async Task<IReadOnlyList<PredictionRecord>> LatestAsync(string endpoint, int limit, CancellationToken cancellationToken = default) =>
        await db.Predictions.AsNoTracking()
            .Where(p => p.EndpointName == endpoint)
            .OrderByDescending(p => p.Timestamp).ThenByDescending(p => p.Id)
            .Take(Math.Clamp(limit, 1, 10_000))
            .ToListAsync(cancellationToken);

    /// <summary>Every profile bucket of the endpoint (all versions and replicas) starting in [from, to).</summary>
    public async Task<IReadOnlyList<ProfileBucket>> BucketsAsync(string endpoint, long from, long to, CancellationToken cancellationToken = default) =>
        await db.ProfileBuckets.AsNoTracking()
            .Where(b => b.EndpointName == endpoint && b.BucketStart >= from && b.BucketStart < to)
            .ToListAsync(cancellationToken);

    /// <summary>A monitor's latest reports by window end, oldest first.</summary>
    public async Task<IReadOnlyList<MonitorReport>> ReportsAsync(string monitor, int limit, CancellationToken cancellationToken = default)
    {
        var latest = await db.MonitorReports.AsNoTracking()
            .Where(r => r.MonitorName == monitor)
            .OrderByDescending(r => r.WindowEnd).ThenByDescending(r => r.RanAt)
            .Take(Math.Clamp(limit, 1, 1000))
            .ToListAsync(cancellationToken);
        latest.Reverse();
        return latest;
    }
}
