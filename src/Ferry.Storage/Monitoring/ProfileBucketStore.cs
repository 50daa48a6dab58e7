using Ferry.Core.Monitoring;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Monitoring;

/// <summary>What one replica folded into one bucket since its last flush.</summary>
/// <param name="EndpointName">Endpoint.</param>
/// <param name="ModelName">Model that answered.</param>
/// <param name="ModelVersion">Version that answered.</param>
/// <param name="BucketStart">Bucket start, epoch ms.</param>
/// <param name="BucketMillis">Bucket width, ms.</param>
/// <param name="Rows">Rows folded in.</param>
/// <param name="ProfileJson">The profile of those rows, as JSON.</param>
public sealed record ProfileDelta(string EndpointName, string ModelName, int ModelVersion, long BucketStart, long BucketMillis, long Rows, string ProfileJson);

/// <summary>How many rows a version served in a window.</summary>
/// <param name="ModelName">Model.</param>
/// <param name="ModelVersion">Version.</param>
/// <param name="Rows">Rows.</param>
public sealed record VersionRows(string ModelName, int ModelVersion, long Rows);

/// <summary>
/// Per-bucket profiles of served rows. Each replica writes only its own rows (keyed by replica id), merging a delta
/// into its row for the bucket, so replicas never contend; reports read every replica's rows and merge them.
/// </summary>
public sealed class ProfileBucketStore(FerryDbContext db, TimeProvider clock)
{
    /// <summary>
    /// Merges each delta into this replica's row for its bucket (creating it), all in one transaction.
    /// <paramref name="merge"/> merges the stored profile JSON with the delta's and returns the result with its row count.
    /// </summary>
    public async Task UpsertAsync(string replicaId, IReadOnlyList<ProfileDelta> deltas, Func<string, string, (string Json, long Rows)> merge, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deltas);
        ArgumentNullException.ThrowIfNull(merge);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var delta in deltas)
        {
            var row = await db.ProfileBuckets.FirstOrDefaultAsync(b =>
                b.EndpointName == delta.EndpointName && b.BucketStart == delta.BucketStart && b.ModelName == delta.ModelName
                && b.ModelVersion == delta.ModelVersion && b.ReplicaId == replicaId, cancellationToken);
            if (row is null)
            {
                db.ProfileBuckets.Add(new ProfileBucket
                {
                    Id = Guid.CreateVersion7(),
                    EndpointName = delta.EndpointName,
                    ModelName = delta.ModelName,
                    ModelVersion = delta.ModelVersion,
                    BucketStart = delta.BucketStart,
                    BucketMillis = delta.BucketMillis,
                    ReplicaId = replicaId,
                    Rows = delta.Rows,
                    ProfileJson = delta.ProfileJson,
                    UpdatedAt = now,
                });
            }
            else
            {
                (row.ProfileJson, row.Rows) = merge(row.ProfileJson, delta.ProfileJson);
                row.UpdatedAt = now;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    /// <summary>The buckets of an endpoint's version starting in [<paramref name="from"/>, <paramref name="to"/>), every replica.</summary>
    public async Task<IReadOnlyList<ProfileBucket>> ListAsync(string endpointName, string modelName, int version, long from, long to, CancellationToken cancellationToken = default) =>
        await db.ProfileBuckets.AsNoTracking()
            .Where(b => b.EndpointName == endpointName && b.ModelName == modelName && b.ModelVersion == version
                && b.BucketStart >= from && b.BucketStart < to)
            .OrderBy(b => b.BucketStart)
            .ToListAsync(cancellationToken);

    /// <summary>Rows per version of an endpoint in buckets starting in [<paramref name="from"/>, <paramref name="to"/>), most first.</summary>
    public async Task<IReadOnlyList<VersionRows>> VersionsAsync(string endpointName, long from, long to, CancellationToken cancellationToken = default)
    {
        var rows = await db.ProfileBuckets.AsNoTracking()
            .Where(b => b.EndpointName == endpointName && b.BucketStart >= from && b.BucketStart < to)
            .GroupBy(b => new { b.ModelName, b.ModelVersion })
            .Select(g => new { g.Key.ModelName, g.Key.ModelVersion, Rows = g.Sum(b => b.Rows) })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => new VersionRows(r.ModelName, r.ModelVersion, r.Rows)).OrderByDescending(r => r.Rows).ThenByDescending(r => r.ModelVersion)];
    }
}
