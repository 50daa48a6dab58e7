using System.Text.Json;
using Ferry.Core.Monitoring;
using Ferry.Statistics;
using Ferry.Statistics.Profiles;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Monitoring;

/// <summary>
/// Per-bucket profiles of served rows, stored as JSON. Each replica writes only its own rows (keyed by replica id),
/// merging a delta into its row for the bucket, so replicas never contend; reports read every replica's rows and merge them.
/// </summary>
public sealed class ProfileBucketStore(FerryDbContext db, TimeProvider clock) : IProfileBucketStore
{
    /// <inheritdoc />
    public async Task UpsertAsync(string replicaId, IReadOnlyList<ProfileDelta> deltas, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deltas);
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
                    Rows = delta.Profile.Rows,
                    ProfileJson = Serialize(delta.Profile),
                    UpdatedAt = now,
                });
            }
            else
            {
                var merged = BucketProfileMerge.Merge(Deserialize(row.ProfileJson), delta.Profile);
                row.ProfileJson = Serialize(merged);
                row.Rows = merged.Rows;
                row.UpdatedAt = now;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    /// <inheritdoc />
    /// <exception cref="JsonException">A stored profile is not a readable <see cref="DatasetProfile"/>.</exception>
    public async Task<IReadOnlyList<BucketProfile>> ListAsync(string endpointName, string modelName, int version, long from, long until, CancellationToken cancellationToken = default)
    {
        var buckets = await db.ProfileBuckets.AsNoTracking()
            .Where(b => b.EndpointName == endpointName && b.ModelName == modelName && b.ModelVersion == version
                && b.BucketStart >= from && b.BucketStart < until)
            .OrderBy(b => b.BucketStart)
            .ToListAsync(cancellationToken);
        return [.. buckets.Select(b => Typed(b, Deserialize(b.ProfileJson)))];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<VersionRows>> VersionsAsync(string endpointName, long from, long until, CancellationToken cancellationToken = default)
    {
        var rows = await db.ProfileBuckets.AsNoTracking()
            .Where(b => b.EndpointName == endpointName && b.BucketStart >= from && b.BucketStart < until)
            .GroupBy(b => new { b.ModelName, b.ModelVersion })
            .Select(g => new { g.Key.ModelName, g.Key.ModelVersion, Rows = g.Sum(b => b.Rows) })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => new VersionRows(r.ModelName, r.ModelVersion, r.Rows)).OrderByDescending(r => r.Rows).ThenByDescending(r => r.ModelVersion)];
    }

    /// <summary>A stored bucket with its profile read back.</summary>
    internal static BucketProfile Typed(ProfileBucket bucket, DatasetProfile profile) =>
        new(bucket.EndpointName, bucket.ModelName, bucket.ModelVersion, bucket.BucketStart, bucket.BucketMillis, bucket.ReplicaId, profile);

    /// <summary>Reads a stored profile.</summary>
    /// <exception cref="JsonException">The JSON is not a <see cref="DatasetProfile"/>.</exception>
    internal static DatasetProfile Deserialize(string json) =>
        JsonSerializer.Deserialize(json, StatisticsJsonContext.Default.DatasetProfile)
        ?? throw new JsonException("A stored bucket profile is null.");

    private static string Serialize(DatasetProfile profile) => JsonSerializer.Serialize(profile, StatisticsJsonContext.Default.DatasetProfile);
}
