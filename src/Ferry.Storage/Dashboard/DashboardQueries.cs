using System.Text.Json;
using Ferry.Core.Dashboard;
using Ferry.Core.Monitoring;
using Ferry.Core.Serving;
using Ferry.Storage.Monitoring;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Dashboard;

/// <summary>Read-only queries behind the web dashboard's charts (one endpoint, one time window at a time).</summary>
public sealed class DashboardQueries(FerryDbContext db) : IDashboardReadModel
{
    /// <summary>Most rows one chart reads; a window with more shows its latest rows only.</summary>
    public const int MaxRows = 500_000;

    /// <inheritdoc />
    /// <remarks>At most <see cref="MaxRows"/>, the latest.</remarks>
    public async Task<IReadOnlyList<ServedRow>> ServedAsync(string endpoint, long from, long until, CancellationToken cancellationToken = default) =>
        await db.Predictions.AsNoTracking()
            .Where(p => p.EndpointName == endpoint && p.Timestamp >= from && p.Timestamp < until)
            .OrderByDescending(p => p.Timestamp)
            .Take(MaxRows)
            .Select(p => new ServedRow(p.Timestamp, p.LatencyMicros))
            .ToListAsync(cancellationToken);

    /// <inheritdoc />
    /// <remarks>At most <see cref="MaxRows"/>, the latest.</remarks>
    public async Task<IReadOnlyList<LabelledRow>> LabelledAsync(string endpoint, long from, long until, CancellationToken cancellationToken = default) =>
        await db.Predictions.AsNoTracking()
            .Where(p => p.EndpointName == endpoint && p.Timestamp >= from && p.Timestamp < until)
            .Join(db.PredictionFeedback.AsNoTracking(), p => p.Id, f => f.PredictionId, (p, f) => new { p.Timestamp, p.OutputsJson, f.Label })
            .OrderByDescending(r => r.Timestamp)
            .Take(MaxRows)
            .Select(r => new LabelledRow(r.Timestamp, r.OutputsJson, r.Label))
            .ToListAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<PredictionRecord>> LatestAsync(string endpoint, int limit, CancellationToken cancellationToken = default) =>
        await db.Predictions.AsNoTracking()
            .Where(p => p.EndpointName == endpoint)
            .OrderByDescending(p => p.Timestamp).ThenByDescending(p => p.Id)
            .Take(Math.Clamp(limit, 1, 10_000))
            .ToListAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<BucketProfile>> BucketsAsync(string endpoint, long from, long until, CancellationToken cancellationToken = default)
    {
        var buckets = await db.ProfileBuckets.AsNoTracking()
            .Where(b => b.EndpointName == endpoint && b.BucketStart >= from && b.BucketStart < until)
            .ToListAsync(cancellationToken);
        var profiles = new List<BucketProfile>(buckets.Count);
        foreach (var bucket in buckets)
        {
            try
            {
                profiles.Add(ProfileBucketStore.Typed(bucket, ProfileBucketStore.Deserialize(bucket.ProfileJson)));
            }
            catch (JsonException)
            {
                // A chart shows what it can read.
            }
        }

        return profiles;
    }

    /// <inheritdoc />
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
