using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ferry.Core.Audit;
using Ferry.Core.Cluster;
using Ferry.Core.Monitoring;
using Ferry.Server.Cluster;
using Ferry.Server.Identity;
using Ferry.Server.Monitoring;
using Ferry.Server.Serving;
using Ferry.Server.Tests.Serving;
using Ferry.Storage.PostgreSql;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Ferry.Server.Tests.Cluster;

/// <summary>
/// Two in-process replicas on one PostgreSQL database (and one artifact store): a change made through one takes effect
/// on the other through LISTEN/NOTIFY. The caches' own expiry is set to an hour, so only the signal can explain a change
/// seen on the other replica; each wait on a signal is bounded (it only catches a hang) and asserts nothing about time.
/// </summary>
public sealed class ReplicaCoherenceTests(ITestOutputHelper output)
{
    private const string Mlflow = "/api/2.0/mlflow/";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public async Task TokenRevocation_OnReplicaA_RefusedByReplicaB()
    {
        await using var pair = await ReplicaPair.StartAsync();
        var created = await OkAsync(pair.A.CreateAdminClient().PostAsJsonAsync("/api/v1/tokens", new { name = $"viewer-{Guid.NewGuid():N}", role = "viewer" }), HttpStatusCode.Created);
        var secret = created.GetProperty("secret").GetString()!;
        var id = created.GetProperty("token").GetProperty("id").GetString()!;
        var onB = pair.B.CreateClient(secret);
        using (var before = await onB.GetAsync("/api/v1/tokens/me"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode); // B now holds the token for an hour
        }

        var heard = pair.HeardOnB(s => s.Topic == ClusterTopics.TokenRevoked);
        await OkAsync(pair.A.CreateAdminClient().DeleteAsync($"/api/v1/tokens/{id}"));
        var revoked = System.Diagnostics.Stopwatch.GetTimestamp();
        await heard.WaitAsync(Bound);
        // Reported, not asserted: from A's answer to the revocation until B has applied it.
        output.WriteLine($"revocation applied on B {System.Diagnostics.Stopwatch.GetElapsedTime(revoked).TotalMilliseconds:F1} ms after A answered");

        using var after = await onB.GetAsync("/api/v1/tokens/me");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [SkippableFact]
    public async Task PolicyChange_OnReplicaA_RoutedByReplicaB()
    {
        await using var pair = await ReplicaPair.StartAsync();
        var model = $"model-{Guid.NewGuid():N}";
        var v1 = await ServingTestKit.RegisterTestDataAsync(pair.A, model, "credit_gbm.onnx");
        var v2 = await ServingTestKit.RegisterTestDataAsync(pair.A, model, "credit_gbm.onnx");
        var endpoint = $"ep-{Guid.NewGuid():N}";
        await ServingTestKit.DeployAsync(pair.A, endpoint, new { model, version = v1, weight = 100 });
        var records = ServingTestKit.ReadExpected("credit_gbm.expected.json").Records.Take(2);
        var onB = pair.B.CreateAdminClient();
        Assert.Equal(v1, Version(await ServingTestKit.PredictAsync(onB, endpoint, records)));

        var heard = pair.HeardOnB(s => s.Topic == ClusterTopics.Policy && s.Key == endpoint);
        using (var deployed = await pair.A.CreateAdminClient().PutAsJsonAsync($"/api/v1/endpoints/{endpoint}", new { routes = new[] { new { model, version = v2, weight = 100 } }, force = true }))
        {
            await deployed.AssertJsonAsync(HttpStatusCode.OK);
        }

        await heard.WaitAsync(Bound);
        // The first deploy published its own policy signals (the deploy API's and DeployAsync's refresh); under load one
        // may reach B only now, re-read before the change above committed. Wait on until B applies the change's signal.
        var policies = pair.B.Services.GetRequiredService<PolicyCache>();
        while (true)
        {
            heard = pair.HeardOnB(s => s.Topic == ClusterTopics.Policy && s.Key == endpoint);
            if ((await policies.GetAsync(endpoint))?.Routes.Single().Version == v2)
            {
                break;
            }

            await heard.WaitAsync(Bound);
        }

        Assert.Equal(v2, Version(await ServingTestKit.PredictAsync(onB, endpoint, records)));
        Assert.True(pair.B.Services.GetRequiredService<ModelCache>().IsLoaded(model, v2), "B loads the new version before it swaps the policy in");
    }

    [SkippableFact]
    public async Task ModelUnloadAndLoad_OnReplicaA_FollowedByReplicaB()
    {
        await using var pair = await ReplicaPair.StartAsync();
        var endpoint = await ServingTestKit.DeployModelAsync(pair.A, "credit_gbm.onnx");
        var records = ServingTestKit.ReadExpected("credit_gbm.expected.json").Records.Take(1);
        var onB = pair.B.CreateAdminClient();
        var served = await ServingTestKit.PredictAsync(onB, endpoint, records);
        var model = served.GetProperty("predictions")[0].GetProperty("model").GetString()!;
        var version = Version(served);
        var cacheOnB = pair.B.Services.GetRequiredService<ModelCache>();
        Assert.True(cacheOnB.IsLoaded(model, version));

        var unloaded = pair.HeardOnB(s => s.Topic == ClusterTopics.ModelUnloaded && s.Key == ClusterTopics.VersionKey(model, version));
        using (var unload = await pair.A.CreateAdminClient().PostAsync($"/v2/repository/models/{endpoint}/unload", null))
        {
            Assert.Equal(HttpStatusCode.OK, unload.StatusCode);
        }

        await unloaded.WaitAsync(Bound);
        Assert.False(cacheOnB.IsLoaded(model, version), "B retires the version A unloaded");

        var loaded = pair.HeardOnB(s => s.Topic == ClusterTopics.ModelLoaded && s.Key == endpoint);
        using (var load = await pair.A.CreateAdminClient().PostAsync($"/v2/repository/models/{endpoint}/load", null))
        {
            Assert.Equal(HttpStatusCode.OK, load.StatusCode);
        }

        await loaded.WaitAsync(Bound);
        Assert.True(cacheOnB.IsLoaded(model, version), "B loads the version A loaded");
    }

    [SkippableFact]
    public async Task GrantChange_OnReplicaA_EnforcedByReplicaB()
    {
        await using var pair = await ReplicaPair.StartAsync();
        var owner = await TeamAsync(pair.A, "owner");
        var other = await TeamAsync(pair.A, "other");
        var model = $"model-{owner.Group}";
        await OkAsync(owner.OnA.PostAsJsonAsync(Mlflow + "registered-models/create", new { name = model }));
        var get = Mlflow + $"registered-models/get?name={Uri.EscapeDataString(model)}";
        var otherOnB = pair.B.CreateClient(other.Secret);
        using (var closed = await otherOnB.GetAsync(get))
        {
            Assert.Equal(HttpStatusCode.Forbidden, closed.StatusCode);
        }

        var grant = new { resourceKind = "registered-model", resource = model, principalKind = "group", principal = other.Group, permission = "READ" };
        await OkAsync(owner.OnA.PostAsJsonAsync("/api/v1/grants", grant));
        using (var open = await otherOnB.GetAsync(get))
        {
            Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        }

        using (var revoked = await owner.OnA.DeleteAsync($"/api/v1/grants?resourceKind=registered-model&resource={Uri.EscapeDataString(model)}&principalKind=group&principal={other.Group}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        using var closedAgain = await otherOnB.GetAsync(get);
        Assert.Equal(HttpStatusCode.Forbidden, closedAgain.StatusCode);
    }

    [SkippableFact]
    public async Task Profiles_FoldedOnEachReplica_MergeWithoutLoss()
    {
        await using var pair = await ReplicaPair.StartAsync();
        var endpoint = await ServingTestKit.DeployModelAsync(pair.A, "credit_gbm.onnx");
        var records = ServingTestKit.ReadExpected("credit_gbm.expected.json").Records;
        const int OnA = 7, OnB = 5;
        JsonElement served = default;
        for (var i = 0; i < OnA; i++)
        {
            served = await ServingTestKit.PredictAsync(pair.A.CreateAdminClient(), endpoint, records.Take(1));
        }

        for (var i = 0; i < OnB; i++)
        {
            await ServingTestKit.PredictAsync(pair.B.CreateAdminClient(), endpoint, records.Take(1));
        }

        await pair.A.Services.GetRequiredService<ProfileCollector>().FlushAsync();
        await pair.B.Services.GetRequiredService<ProfileCollector>().FlushAsync();

        var model = served.GetProperty("predictions")[0].GetProperty("model").GetString()!;
        await using var scope = pair.A.Services.CreateAsyncScope();
        var buckets = await scope.ServiceProvider.GetRequiredService<IProfileBucketStore>().ListAsync(endpoint, model, Version(served), 0, long.MaxValue);
        Assert.Equal(2, buckets.Select(b => b.ReplicaId).Distinct().Count());
        var merged = buckets.Select(b => b.Profile).Aggregate(BucketProfileMerge.Merge);
        Assert.Equal(OnA + OnB, merged.Rows);
    }

    [SkippableFact]
    public async Task AuditChain_ConcurrentWritersOnBothReplicas_StaysOneGaplessChain()
    {
        await using var pair = await ReplicaPair.StartAsync();
        const int PerReplica = 150;
        var before = await EventsAsync(pair.A);
        var a = pair.A.CreateAdminClient();
        var b = pair.B.CreateAdminClient();
        using var gate = new SemaphoreSlim(32);
        var writes = Enumerable.Range(0, PerReplica * 2).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                using var created = await (i % 2 == 0 ? a : b).PostAsJsonAsync("/api/v1/groups", new { name = $"g-{i}-{Guid.NewGuid():N}" });
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(writes);

        var verified = await OkAsync(pair.B.CreateAdminClient().GetAsync("/api/v1/audit/verify"));
        Assert.True(verified.GetProperty("isValid").GetBoolean(), verified.ToString());
        var events = await EventsAsync(pair.A);
        Assert.Equal(before.Count + (PerReplica * 2), events.Count);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.Equal(PerReplica * 2, events.Skip(before.Count).Count(e => e.Action == "group.create"));
    }

    [SkippableFact]
    public async Task ListenerConnection_Killed_ReconnectsFlushesAndHearsAgain()
    {
        await using var pair = await ReplicaPair.StartAsync();
        var signals = (PostgreSqlClusterSignals)pair.B.Services.GetRequiredService<IClusterSignals>();
        var created = await OkAsync(pair.A.CreateAdminClient().PostAsJsonAsync("/api/v1/tokens", new { name = $"viewer-{Guid.NewGuid():N}", role = "viewer" }), HttpStatusCode.Created);
        var onB = pair.B.CreateClient(created.GetProperty("secret").GetString()!);
        using (var before = await onB.GetAsync("/api/v1/tokens/me"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var connects = signals.Connects;
        var flushed = pair.HeardOnB(s => s.Topic == ClusterTopics.Flush);
        await using (var admin = new NpgsqlConnection(pair.A.Database.ConnectionString))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend($1)", admin) { Parameters = { new() { Value = signals.ListenerProcessId } } };
            Assert.True((bool)(await kill.ExecuteScalarAsync())!);
        }

        await flushed.WaitAsync(Bound);
        Assert.True(signals.Connects > connects, "the listener reconnected");
        Assert.True(signals.IsListening);

        var heard = pair.HeardOnB(s => s.Topic == ClusterTopics.TokenRevoked);
        await OkAsync(pair.A.CreateAdminClient().DeleteAsync($"/api/v1/tokens/{created.GetProperty("token").GetProperty("id").GetString()}"));
        await heard.WaitAsync(Bound);
        using var after = await onB.GetAsync("/api/v1/tokens/me");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    private static int Version(JsonElement served) => served.GetProperty("predictions")[0].GetProperty("version").GetInt32();

    private static async Task<List<AuditEvent>> EventsAsync(FerryTestServer server)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var log = scope.ServiceProvider.GetRequiredService<IAuditLog>();
        var all = new List<AuditEvent>();
        long? after = null;
        while (true)
        {
            var page = await log.QueryAsync(new AuditQuery { AfterSequence = after, Limit = AuditQuery.MaxLimit });
            all.AddRange(page);
            if (page.Count < AuditQuery.MaxLimit)
            {
                return all;
            }

            after = page[^1].Sequence;
        }
    }

    private static async Task<(string Group, string Secret, HttpClient OnA)> TeamAsync(FerryTestServer a, string label)
    {
        var admin = a.CreateAdminClient();
        var group = $"team-{label}-{Guid.NewGuid():N}";
        await OkAsync(admin.PostAsJsonAsync("/api/v1/groups", new { name = group }), HttpStatusCode.Created);
        var token = await OkAsync(admin.PostAsJsonAsync("/api/v1/tokens", new { name = $"sci-{group}", role = "scientist", group }), HttpStatusCode.Created);
        var secret = token.GetProperty("secret").GetString()!;
        return (group, secret, a.CreateClient(secret));
    }

    private static async Task<JsonElement> OkAsync(Task<HttpResponseMessage> call, HttpStatusCode status = HttpStatusCode.OK)
    {
        using var response = await call;
        return await response.AssertJsonAsync(status);
    }

    /// <summary>Replica A on a fresh PostgreSQL database, replica B on the same database and artifact store.</summary>
    private sealed class ReplicaPair : IAsyncDisposable
    {
        private ReplicaPair(FerryTestServer a, FerryTestServer b) => (A, B) = (a, b);

        public FerryTestServer A { get; }

        public FerryTestServer B { get; }

        public static async Task<ReplicaPair> StartAsync()
        {
            DatabaseRequirement.EnsureAvailable(DatabaseKind.PostgreSql);
            var a = await FerryTestServer.StartAsync(DatabaseKind.PostgreSql, services: services => Slow(services, "a"));
            try
            {
                var b = await FerryTestServer.StartReplicaAsync(a, services: services => Slow(services, "b"));
                var pair = new ReplicaPair(a, b);
                await pair.ListeningAsync();
                return pair;
            }
            catch
            {
                await a.DisposeAsync();
                throw;
            }
        }

        /// <summary>Completes once B has applied a signal matching <paramref name="match"/> (subscribe before the change).</summary>
        public Task HeardOnB(Func<ClusterSignal, bool> match) => B.Services.GetRequiredService<ClusterCoherence>().WhenAppliedAsync(match);

        public async ValueTask DisposeAsync()
        {
            await B.DisposeAsync();
            await A.DisposeAsync();
        }

        // Each cache's own expiry at an hour: only a signal explains a change seen on the other replica.
        private static void Slow(IServiceCollection services, string replica)
        {
            services.Configure<TokenCacheOptions>(o => o.Duration = TimeSpan.FromHours(1));
            services.Configure<ModelCacheOptions>(o => o.PolicyRefreshInterval = TimeSpan.FromHours(1));
            services.Configure<ProfileOptions>(o => o.ReplicaId = $"replica-{replica}");
            services.Configure<ClusterOptions>(o => o.ReplicaId = $"replica-{replica}");
        }

        // Both listeners are up before a test changes anything (a signal sent earlier would be missed, by design).
        private async Task ListeningAsync()
        {
            foreach (var server in new[] { A, B })
            {
                var flushed = server.Services.GetRequiredService<ClusterCoherence>().WhenAppliedAsync(s => s.Topic == ClusterTopics.Flush);
                if (!server.Services.GetRequiredService<IClusterSignals>().IsListening)
                {
                    await flushed.WaitAsync(Bound);
                }
            }
        }
    }
}
