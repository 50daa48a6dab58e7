using Ferry.Core.Dashboard;
using Ferry.Core.Monitoring;
using Ferry.Statistics.Profiles;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static Ferry.Testing.IncomeProfiles;

namespace Ferry.Storage.Tests.Monitoring;

/// <summary>The profile bucket store on SQLite and PostgreSQL: typed deltas in, merged typed profiles out, per replica.</summary>
public abstract class ProfileBucketStoreTests(DatabaseKind kind) : StorageTestBase(kind)
{
    private const long Hour = 3_600_000;

    [SkippableFact]
    public async Task Upsert_MergesDeltasIntoTheReplicasBucket_AndKeepsReplicasApart()
    {
        await using var scope = Scope();
        var store = scope.ServiceProvider.GetRequiredService<IProfileBucketStore>();
        var start = 10 * Hour;

        await store.UpsertAsync("a", [Delta(start, Profile(Layout(), 1, 2))]);
        await store.UpsertAsync("a", [Delta(start, Profile(Layout(), 3)), Delta(start + Hour, Profile(Layout(), 4))]);
        await store.UpsertAsync("b", [Delta(start, Profile(Layout(), 5, 6, 7))]);

        var buckets = await store.ListAsync("credit", "credit-risk", 2, start, start + (2 * Hour));
        var a = Assert.Single(buckets, b => b.ReplicaId == "a" && b.BucketStart == start);
        Assert.Equal(3, a.Profile.Rows);
        Assert.Equal(6, a.Profile.Columns["income"].Sum);
        Assert.Equal(3, Assert.Single(buckets, b => b.ReplicaId == "b").Profile.Rows);
        Assert.Equal(1, Assert.Single(buckets, b => b.BucketStart == start + Hour).Profile.Rows);
        Assert.Equal(start, buckets[0].BucketStart);

        var versions = await store.VersionsAsync("credit", start, start + (2 * Hour));
        Assert.Equal(new VersionRows("credit-risk", 2, 7), Assert.Single(versions));
    }

    [SkippableFact]
    public async Task Upsert_WhenTheLayoutChangedDuringTheBucket_TheDeltaReplacesTheStoredPart()
    {
        await using var scope = Scope();
        var store = scope.ServiceProvider.GetRequiredService<IProfileBucketStore>();
        var start = 20 * Hour;

        await store.UpsertAsync("a", [Delta(start, Profile(Layout(), 1, 2, 3))]);
        await store.UpsertAsync("a", [Delta(start, Profile(Layout(0, 50, 100), 40))]);

        var bucket = Assert.Single(await store.ListAsync("credit", "credit-risk", 2, start, start + Hour));
        Assert.Equal(1, bucket.Profile.Rows);
        Assert.Equal([0.0, 50, 100], bucket.Profile.Columns["income"].BinEdges);
        Assert.Equal(1, Assert.Single(await store.VersionsAsync("credit", start, start + Hour)).Rows);
    }

    [SkippableFact]
    public async Task DashboardBuckets_ReadTheSameTypedProfiles()
    {
        await using var scope = Scope();
        var start = 30 * Hour;
        var profile = Profile(Layout(), 1);
        profile.AddRefusedRequest();
        await scope.ServiceProvider.GetRequiredService<IProfileBucketStore>().UpsertAsync("a", [Delta(start, profile)]);

        var bucket = Assert.Single(await scope.ServiceProvider.GetRequiredService<IDashboardReadModel>().BucketsAsync("credit", start, start + Hour));
        Assert.Equal(1, bucket.Profile.RefusedRequests);
        Assert.Equal("a", bucket.ReplicaId);
    }


    private static ProfileDelta Delta(long start, DatasetProfile profile) => new("credit", "credit-risk", 2, start, Hour, profile);
}

public sealed class SqliteProfileBucketStoreTests() : ProfileBucketStoreTests(DatabaseKind.Sqlite);

public sealed class PostgresProfileBucketStoreTests() : ProfileBucketStoreTests(DatabaseKind.PostgreSql);
