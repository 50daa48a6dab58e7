using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ferry.Core.Serving;
using Ferry.Server.Serving.Batching;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Server.Tests.Serving;

/// <summary>Adaptive batching over HTTP on a real model: coalesced answers equal unbatched ones, in order.</summary>
public sealed class AdaptiveBatchingTests : IClassFixture<SqliteServerFixture>, IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly SqliteServerFixture _fixture;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Endpoint, int Rows)> _coalesced = new();

    public AdaptiveBatchingTests(SqliteServerFixture fixture)
    {
        _fixture = fixture;
        var factory = Server.Services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "predict_coalesced_rows" && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "endpoint")
                {
                    _coalesced.Enqueue(((string)tag.Value!, value));
                }
            }
        });
        _listener.Start();
    }

    private FerryTestServer Server => _fixture.Server;

    public void Dispose() => _listener.Dispose();

    [SkippableFact]
    public async Task ConcurrentSingleRowRequests_AreCoalesced_AndEqualTheUnbatchedOutputs()
    {
        var endpoint = await DeployAsync(maxBatchSize: 32, maxDelayMicros: 2000);
        var expected = ServingTestKit.ReadExpected("credit_gbm.expected.json");
        var client = Server.CreateAdminClient();

        // Bounded: a few rounds of 64 at once, until a call of more than one row was seen (the first round almost always).
        for (var round = 0; round < 5 && Max(endpoint) <= 1; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, 64).Select(async i =>
            {
                var index = i % expected.Records.Count;
                var answer = await ServingTestKit.PredictAsync(client, endpoint, [expected.Records[index]]);
                AssertRows(expected, [index], answer);
            })).WaitAsync(Bound);
        }

        Assert.True(Max(endpoint) > 1, "no coalesced call of more than one row was recorded");
    }

    [SkippableFact]
    public async Task ConcurrentMultiRowRequests_GetTheirRowsBackInOrder()
    {
        var endpoint = await DeployAsync(maxBatchSize: 32, maxDelayMicros: 2000);
        var expected = ServingTestKit.ReadExpected("credit_gbm.expected.json");
        var client = Server.CreateAdminClient();
        var n = expected.Records.Count;

        await Task.WhenAll(Enumerable.Range(0, 32).Select(async k =>
        {
            int[] indexes = k % 2 == 0 ? [k % n] : [k % n, (k + 7) % n, (k + 3) % n];
            var answer = await ServingTestKit.PredictAsync(client, endpoint, indexes.Select(i => expected.Records[i]));
            AssertRows(expected, indexes, answer);
        })).WaitAsync(Bound);

        Assert.All(Calls(endpoint), rows => Assert.InRange(rows, 1, 32));
    }

    [SkippableFact]
    public async Task RequestBiggerThanTheMax_RunsAlone_Correctly()
    {
        var endpoint = await DeployAsync(maxBatchSize: 4, maxDelayMicros: 2000);
        var expected = ServingTestKit.ReadExpected("credit_gbm.expected.json");
        var client = Server.CreateAdminClient();
        var all = Enumerable.Range(0, expected.Records.Count).ToArray();

        var big = Task.Run(async () => AssertRows(expected, all, await ServingTestKit.PredictAsync(client, endpoint, expected.Records)));
        var small = Enumerable.Range(0, 8).Select(async i => AssertRows(expected, [i], await ServingTestKit.PredictAsync(client, endpoint, [expected.Records[i]])));
        await Task.WhenAll(small.Append(big)).WaitAsync(Bound);

        Assert.All(Calls(endpoint), rows => Assert.InRange(rows, 1, 4));
    }

    [SkippableFact]
    public async Task BatchingOff_ScoresEachRequestDirectly()
    {
        var endpoint = await ServingTestKit.DeployModelAsync(Server, "credit_gbm.onnx");
        var expected = ServingTestKit.ReadExpected("credit_gbm.expected.json");
        var client = Server.CreateAdminClient();

        await Task.WhenAll(Enumerable.Range(0, 32).Select(async i =>
        {
            var index = i % expected.Records.Count;
            AssertRows(expected, [index], await ServingTestKit.PredictAsync(client, endpoint, [expected.Records[index]]));
        })).WaitAsync(Bound);

        Assert.Empty(Calls(endpoint));
    }

    private async Task<string> DeployAsync(int maxBatchSize, int maxDelayMicros)
    {
        var endpoint = await ServingTestKit.DeployModelAsync(Server, "credit_gbm.onnx");
        using var response = await Server.CreateAdminClient().PutAsJsonAsync($"/api/v1/endpoints/{endpoint}/batching", new { maxBatchSize, maxDelayMicros });
        await response.AssertJsonAsync(HttpStatusCode.OK);
        return endpoint;
    }

    private static void AssertRows(ServingTestKit.Expected expected, int[] indexes, JsonElement answer)
    {
        var predictions = answer.GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(indexes.Length, predictions.Count);
        for (var i = 0; i < indexes.Length; i++)
        {
            var row = indexes[i];
            Assert.Equal(expected.Labels[row], predictions[i].GetProperty("label").GetString());
            for (var c = 0; c < expected.Classes.Length; c++)
            {
                Assert.Equal(expected.Probabilities[row][c], predictions[i].GetProperty("probabilities").GetProperty(expected.Classes[c]).GetDouble(), ServingTestKit.Tolerance);
            }
        }
    }

    private List<int> Calls(string endpoint) => _coalesced.Where(c => c.Endpoint == endpoint).Select(c => c.Rows).ToList();

    private int Max(string endpoint) => Calls(endpoint).DefaultIfEmpty(0).Max();
}

/// <summary>
/// <see cref="AdaptiveBatching"/> on a fake model and a <see cref="TestClock"/>: deterministic coalescing, the batch
/// delay, splitting, failures and cancellation. A batch closes by size, or when the test advances the clock.
/// </summary>
public sealed class AdaptiveBatchingUnitTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private const int LongDelayMicros = 60_000_000;
    private static readonly ResolvedRoute Route = new("m", 1, null, "fake", "p", RouteRole.Weighted, 100);
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly TestClock _clock = new();
    private readonly AdaptiveBatching _batching;

    public AdaptiveBatchingUnitTests() => _batching = new AdaptiveBatching(_services.GetRequiredService<IMeterFactory>(), _clock);

    public void Dispose()
    {
        _batching.Dispose();
        _services.Dispose();
    }

    [Fact]
    public async Task QueuedRequests_AreScoredInOneCall_AndSplitBackInOrder()
    {
        // A minute's delay: the batch can only close by reaching its 6 rows, whatever the machine's load.
        using var model = new GatedModel();
        var policy = Policy(6, LongDelayMicros);
        var parts = new[] { new double[] { 1, 2 }, [3], [4, 5, 6] };
        var waiting = parts.Select(xs => Submit(policy, model, xs)).ToList();
        await model.Entered.Task.WaitAsync(Bound);
        model.Open();

        for (var i = 0; i < parts.Length; i++)
        {
            AssertAnswer(parts[i], await waiting[i].WaitAsync(Bound));
        }

        Assert.Equal([6], model.Calls);
    }

    [Fact]
    public async Task BatchBelowItsMaxRows_ClosesWhenItsDelayIsUpOnTheClock_NotBefore()
    {
        using var model = new GatedModel();
        model.Open();
        var delay = TimeSpan.FromMicroseconds(5_000);
        var policy = Policy(32, 5_000);
        var first = Submit(policy, model, [1]);
        var second = Submit(policy, model, [2, 3]);

        await _clock.WaitForTimerAsync(delay);
        _clock.Advance(delay - TimeSpan.FromTicks(1));
        Assert.False(model.Entered.Task.IsCompleted, "the batch closed before its delay was up");
        Assert.Empty(model.Calls);

        _clock.Advance(TimeSpan.FromTicks(1));
        AssertAnswer([1], await first.WaitAsync(Bound));
        AssertAnswer([2, 3], await second.WaitAsync(Bound));
        Assert.Equal([3], model.Calls);
    }

    [Fact]
    public async Task RequestOfMaxRowsOrMore_IsScoredAlone()
    {
        using var model = new GatedModel();
        model.Open();
        var rows = new double[] { 1, 2, 3, 4, 5 };

        Assert.False(AdaptiveBatching.Applies(Policy(4, 1000), Batch(rows)));
        AssertAnswer(rows, await Submit(Policy(4, 1000), model, rows).WaitAsync(Bound));
        Assert.Equal([5], model.Calls);
    }

    [Fact]
    public async Task ModelFailure_FailsEveryWaitingRequest_WithTheSameError()
    {
        // The clock stands still: the batch closes when its 8 rows are in, whatever the machine's load.
        using var model = new GatedModel { Fail = true };
        var policy = Policy(8, 1000);
        var releases = Enumerable.Range(0, 8).Select(_ => new Release()).ToList();
        var waiting = releases.Select((r, i) => Submit(policy, model, [i], r)).ToList();
        await model.Entered.Task.WaitAsync(Bound);
        model.Open();

        var errors = new List<Exception>();
        foreach (var task in waiting)
        {
            errors.Add(await Assert.ThrowsAsync<InvalidOperationException>(() => task.WaitAsync(Bound)));
        }

        Assert.Equal([8], model.Calls);
        Assert.Single(errors.Distinct());
        await Task.WhenAll(releases.Select(r => r.Disposed.Task)).WaitAsync(Bound);
    }

    [Fact]
    public async Task CancelledCaller_StopsWaiting_ButItsRowsAreStillScoredAndReleased()
    {
        // The cancelled rows wait in a batch that only closes when 4 rows are held (a minute's delay).
        using var model = new GatedModel();
        model.Open();
        var policy = Policy(4, LongDelayMicros);
        using var cancel = new CancellationTokenSource();
        var release = new Release();
        var cancelled = _batching.PredictAsync(policy, Route, model, Batch([1, 2]), release, cancel.Token);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Bound));
        Assert.False(release.Disposed.Task.IsCompleted);
        Assert.Empty(model.Calls);

        AssertAnswer([3, 4], await Submit(policy, model, [3, 4]).WaitAsync(Bound));
        await release.Disposed.Task.WaitAsync(Bound);
        Assert.Equal([4], model.Calls);
        Assert.Equal([1d, 2, 3, 4], model.Scored);
    }

    private static ResolvedPolicy Policy(int maxBatchSize, int maxDelayMicros) => new("e", 1, [Route], maxBatchSize, maxDelayMicros);

    private static FeatureBatch Batch(double[] xs) => new(xs.Length, new Dictionary<string, Array> { ["x"] = xs.ToArray() });

    private Task<InferenceResult> Submit(ResolvedPolicy policy, ILoadedModel model, double[] xs, IDisposable? release = null) =>
        _batching.PredictAsync(policy, Route, model, Batch(xs), release, CancellationToken.None);

    // Each row answers score = x and a raw [rows, 2] tensor of (x, -x).
    private static void AssertAnswer(double[] xs, InferenceResult result)
    {
        Assert.Equal(xs, result.Rows.Select(r => r.Score!.Value));
        var tensor = Assert.Single(result.Outputs);
        Assert.Equal([xs.Length, 2], tensor.Shape);
        Assert.Equal(xs.SelectMany(x => new[] { x, -x }), (double[])tensor.Data);
    }

    private sealed class Release : IDisposable
    {
        public TaskCompletionSource Disposed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Dispose() => Assert.True(Disposed.TrySetResult(), "released twice");
    }

    // The first call signals Entered and blocks until Open (bounded); every call's row count is kept.
    private sealed class GatedModel : ILoadedModel
    {
        private readonly ManualResetEventSlim _gate = new();
        private readonly ConcurrentQueue<int> _calls = new();
        private readonly ConcurrentQueue<double> _scored = new();

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Fail { get; init; }

        public List<int> Calls => [.. _calls];

        /// <summary>Every x the model was asked to score, in call order.</summary>
        public List<double> Scored => [.. _scored];

        public IReadOnlyList<FeatureSpec> Features { get; } = [new("x", FeatureKind.Number)];

        public Ferry.Core.Signatures.ModelSignature Signature { get; } = new([], []);

        public long ApproximateBytes => 1;

        public void Open() => _gate.Set();

        public InferenceResult Predict(FeatureBatch batch)
        {
            _calls.Enqueue(batch.RowCount);
            foreach (var x in (double[])batch.Columns["x"])
            {
                _scored.Enqueue(x);
            }

            Entered.TrySetResult();
            Assert.True(_gate.Wait(Bound), "the gate was never opened");
            if (Fail)
            {
                throw new InvalidOperationException("the model failed");
            }

            var xs = (double[])batch.Columns["x"];
            return new InferenceResult(
                xs.Select(x => new RowPrediction(null, x, null)).ToArray(),
                [new OutputTensor("y", "float64", [xs.Length, 2], xs.SelectMany(x => new[] { x, -x }).ToArray())]);
        }

        public void Dispose() => _gate.Dispose();
    }
}
