using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Core.Serving;
using Ferry.Server.Serving;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static Ferry.Server.Tests.Mlflow.Registry.RegistryTestKit;

namespace Ferry.Server.Tests.Serving;

/// <summary>Weighted routing, shadows and a swap under load, over HTTP on real models.</summary>
public sealed class RouterTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    // Bounds a hang of the swap test (2,000 requests on two cores), never a sleep.
    private static readonly TimeSpan SwapBound = TimeSpan.FromMinutes(2);

    private FerryTestServer Server => fixture.Server;

    [Fact]
    public void Pick_FollowsWeights_ByTicket()
    {
        var a = new ResolvedRoute("m", 1, null, "onnx", "p", RouteRole.Weighted, 90);
        var b = new ResolvedRoute("m", 2, null, "onnx", "p", RouteRole.Weighted, 10);
        var shadow = new ResolvedRoute("m", 3, null, "onnx", "p", RouteRole.Shadow, 0);
        var policy = new ResolvedPolicy("e", 1, [a, shadow, b], 1, 0);

        Assert.Same(a, Router.Pick(policy, _ => 0));
        Assert.Same(a, Router.Pick(policy, _ => 89));
        Assert.Same(b, Router.Pick(policy, _ => 90));
        Assert.Same(b, Router.Pick(policy, _ => 99));
    }

    [SkippableFact]
    public async Task Canary_90_10_Over10000Requests_IsWithinFiveSigma()
    {
        var model = UniqueName("canary");
        var v1 = await ServingTestKit.RegisterTestDataAsync(Server, model, "credit_gbm.onnx");
        var v2 = await ServingTestKit.RegisterTestDataAsync(Server, model, "credit_gbm.onnx");
        var endpoint = UniqueName("ep");
        await ServingTestKit.DeployAsync(Server, endpoint, new { model, version = v1, weight = 90 }, new { model, version = v2, weight = 10 });
        var record = ServingTestKit.ReadExpected("credit_gbm.expected.json").Records[0];
        const int requests = 10_000;
        var counts = new int[3];
        var client = Server.CreateAdminClient();

        await Parallel.ForEachAsync(Enumerable.Range(0, requests), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, _) =>
        {
            var answer = await ServingTestKit.PredictAsync(client, endpoint, [record]);
            Interlocked.Increment(ref counts[answer.GetProperty("predictions")[0].GetProperty("version").GetInt32()]);
        });

        // Binomial(10,000, 0.1): mean 1,000, sigma 30; 5 sigma = 150.
        Assert.Equal(requests, counts[v1] + counts[v2]);
        Assert.InRange(counts[v2], 1000 - 150, 1000 + 150);
    }

    [SkippableFact]
    public async Task Shadow_NeverChangesTheAnswer_AndItsOutputsAreLogged()
    {
        var primary = UniqueName("primary");
        var shadowModel = UniqueName("shadow");
        var pv = await ServingTestKit.RegisterTestDataAsync(Server, primary, "credit_gbm.onnx");
        var sv = await ServingTestKit.RegisterTestDataAsync(Server, shadowModel, "credit_mlp.onnx");
        var endpoint = UniqueName("ep");
        await ServingTestKit.DeployAsync(Server, endpoint,
            new { model = primary, version = pv, weight = 100 }, new { model = shadowModel, version = sv, role = "shadow", weight = 0 });
        var expected = ServingTestKit.ReadExpected("credit_gbm.expected.json");
        var shadowExpected = ServingTestKit.ReadExpected("credit_mlp.expected.json");

        var answer = await ServingTestKit.PredictAsync(Server.CreateAdminClient(), endpoint, expected.Records);

        var predictions = answer.GetProperty("predictions").EnumerateArray().ToList();
        for (var i = 0; i < predictions.Count; i++)
        {
            Assert.Equal(primary, predictions[i].GetProperty("model").GetString());
            Assert.Equal(expected.Labels[i], predictions[i].GetProperty("label").GetString());
            Assert.Equal(expected.Probabilities[i][1], predictions[i].GetProperty("probabilities").GetProperty("1").GetDouble(), ServingTestKit.Tolerance);
        }

        var ids = predictions.Select(p => Guid.Parse(p.GetProperty("id").GetString()!)).ToList();
        var rows = await WaitForLoggedAsync(ids);
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            var row = rows.Single(r => r.Id == id);
            var shadow = JsonNode.Parse(row.ShadowOutputsJson!)![$"{shadowModel}:{sv}"]!;
            Assert.Equal(shadowExpected.Labels[i], shadow["label"]!.GetValue<string>());
            Assert.Equal(shadowExpected.Probabilities[i][1], shadow["probabilities"]!["1"]!.GetValue<double>(), ServingTestKit.Tolerance);
        }
    }

    [SkippableFact]
    public async Task SwapAndRollback_UnderConcurrentLoad_FailZeroRequests()
    {
        var model = UniqueName("swap");
        var v1 = await ServingTestKit.RegisterTestDataAsync(Server, model, "credit_gbm.onnx");
        var v2 = await ServingTestKit.RegisterTestDataAsync(Server, model, "credit_gbm.onnx");
        var endpoint = UniqueName("ep");
        await ServingTestKit.DeployAsync(Server, endpoint, new { model, version = v1, weight = 100 });
        var record = ServingTestKit.ReadExpected("credit_gbm.expected.json").Records[0];
        var done = 0;
        var failures = 0;
        var versions = new int[3];
        var swapAt = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var rollbackAt = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async Task WorkerAsync()
        {
            var client = Server.CreateAdminClient();
            for (var i = 0; i < 500; i++)
            {
                var body = new JsonObject { ["records"] = new JsonArray(record.DeepClone()) };
                using var response = await client.PostAsync($"/api/v1/endpoints/{endpoint}/predict", JsonContent.Create(body));
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failures);
                }
                else
                {
                    var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
                    Interlocked.Increment(ref versions[answer.GetProperty("predictions")[0].GetProperty("version").GetInt32()]);
                }

                switch (Interlocked.Increment(ref done))
                {
                    case 600:
                        swapAt.TrySetResult();
                        break;
                    case 1400:
                        rollbackAt.TrySetResult();
                        break;
                }
            }
        }

        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(WorkerAsync)).ToList();

        // Each milestone is signalled by the request that reaches it; a worker that fails ends the wait at once.
        async Task ReachAsync(TaskCompletionSource milestone, int requests)
        {
            await Task.WhenAny(milestone.Task, Task.WhenAll(workers)).WaitAsync(SwapBound);
            Assert.True(milestone.Task.IsCompleted, $"the workers ended before {requests} requests were answered");
        }

        await ReachAsync(swapAt, 600);
        await ServingTestKit.DeployAsync(Server, endpoint, new { model, version = v2, weight = 100 });
        await ReachAsync(rollbackAt, 1400);

        using (var rollback = await Server.CreateAdminClient().PostAsync($"/api/v1/endpoints/{endpoint}/rollback", null))
        {
            await rollback.AssertJsonAsync(HttpStatusCode.OK);
        }

        await Server.Services.GetRequiredService<PolicyCache>().RefreshAsync(endpoint);
        await Task.WhenAll(workers).WaitAsync(SwapBound);

        Assert.Equal(0, failures);
        Assert.True(versions[v1] > 0 && versions[v2] > 0, $"v1 answered {versions[v1]}, v2 {versions[v2]}");
    }

    [Fact]
    public async Task ModelCache_LoadsOnce_EvictsLeastRecentlyUsed_AndNeverDisposesAModelInUse()
    {
        using var directory = new TempDirectory("ferry-cache");
        var store = new Ferry.Artifacts.FileSystem.FileSystemArtifactStore(directory.Path, new FakeTimeProvider());
        foreach (var name in new[] { "a", "b", "c" })
        {
            await store.PutAsync($"{name}/model.onnx", new MemoryStream([1, 2, 3]));
        }

        var runtime = new FakeRuntime();
        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new ServingMetrics(meters.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        using var cache = new ModelCache([runtime], store, metrics, Microsoft.Extensions.Options.Options.Create(new ModelCacheOptions { ModelMemoryBudgetBytes = 250 }),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<ModelCache>.Instance);
        ResolvedRoute Route(string name) => new(name, 1, null, "fake", name, RouteRole.Weighted, 1);

        var leases = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () => await cache.AcquireAsync(Route("a")))));
        Assert.Equal(1, runtime.Loads);
        var a = leases[0].Model;
        using (await cache.AcquireAsync(Route("b")))
        {
        }

        using (await cache.AcquireAsync(Route("c"))) // 300 bytes > 250: the least recently used (a) is retired
        {
        }

        Assert.False(cache.Contains("a", 1));
        Assert.True(cache.Contains("c", 1));
        Assert.False(((FakeModel)a).Disposed); // still leased
        foreach (var lease in leases)
        {
            lease.Dispose();
        }

        Assert.True(((FakeModel)a).Disposed);
        Assert.Equal(200, cache.LoadedBytes);
    }

    [Fact]
    public async Task ModelLease_Hold_KeepsTheSameModelLoaded_UntilEveryHoldIsReleased_WithoutAcquiringAgain()
    {
        using var directory = new TempDirectory("ferry-cache");
        var store = new Ferry.Artifacts.FileSystem.FileSystemArtifactStore(directory.Path, new Microsoft.Extensions.Time.Testing.FakeTimeProvider());
        foreach (var name in new[] { "a", "b", "c" })
        {
            await store.PutAsync($"{name}/model.onnx", new MemoryStream([1, 2, 3]));
        }

        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new ServingMetrics(meters.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        using var cache = new ModelCache([new FakeRuntime()], store, metrics, Microsoft.Extensions.Options.Options.Create(new ModelCacheOptions { ModelMemoryBudgetBytes = 250 }),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<ModelCache>.Instance);
        ResolvedRoute Route(string name) => new(name, 1, null, "fake", name, RouteRole.Weighted, 1);

        var lease = await cache.AcquireAsync(Route("a"));
        var hold = lease.Hold(); // e.g. handed to the batcher while the request keeps its lease to explain
        Assert.Same(lease.Model, hold.Model);
        Assert.Equal((1L, 2), cache.Usage("a", 1));
        hold.Dispose();
        hold.Dispose(); // once only
        Assert.Equal((1L, 1), cache.Usage("a", 1));
        var again = lease.Hold();
        using (await cache.AcquireAsync(Route("b")))
        {
        }

        using (await cache.AcquireAsync(Route("c"))) // a is retired, but still held
        {
        }

        Assert.False(cache.Contains("a", 1));
        lease.Dispose();
        Assert.False(((FakeModel)again.Model).Disposed); // the second hold still keeps it
        Assert.Throws<ObjectDisposedException>(() => lease.Hold());
        again.Dispose();
        Assert.True(((FakeModel)again.Model).Disposed);
    }

    private sealed class FakeRuntime : IModelRuntime
    {
        private int _loads;

        public int Loads => _loads;

        public string Flavor => "fake";

        public async Task<ILoadedModel> LoadAsync(Stream model, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _loads);
            await Task.Yield(); // completes asynchronously, as a real load does
            return new FakeModel();
        }
    }

    private sealed class FakeModel : ILoadedModel
    {
        public bool Disposed { get; private set; }

        public IReadOnlyList<FeatureSpec> Features { get; } = [new("x", FeatureKind.Number)];

        public Ferry.Core.Signatures.ModelSignature Signature { get; } = new([], []);

        public long ApproximateBytes => 100;

        public InferenceResult Predict(FeatureBatch batch) => new([], []);

        public void Dispose() => Disposed = true;
    }

    private async Task<List<PredictionRecord>> WaitForLoggedAsync(List<Guid> ids)
    {
        // The answers were acknowledged, so their records are queued: wait for the log to write them (a signal, bounded).
        await Server.WaitForPredictionLogAsync();
        await using var db = Server.Database.CreateContext();
        var rows = db.Predictions.Where(p => ids.Contains(p.Id)).ToList();
        Assert.Equal(ids.Order(), rows.Select(r => r.Id).Order());
        return rows;
    }
}
