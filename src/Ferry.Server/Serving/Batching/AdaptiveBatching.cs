using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Ferry.Core.Serving;

namespace Ferry.Server.Serving.Batching;

/// <summary>
/// Adaptive batching: when an endpoint's policy has <see cref="ResolvedPolicy.MaxBatchSize"/> above 1, the validated
/// rows of concurrent requests for the same (endpoint, model, version) are scored with one
/// <see cref="ILoadedModel.Predict"/> call once <see cref="ResolvedPolicy.MaxBatchSize"/> rows are held or
/// <see cref="ResolvedPolicy.MaxBatchDelayMicros"/> has passed since the first of them (on <see cref="TimeProvider"/>'s
/// clock), and the answer is split back per request, in order. Each call's row count is recorded in
/// <c>predict_coalesced_rows</c> (endpoint, version).
/// </summary>
/// <remarks>
/// One batcher per (endpoint, model, version), made on first use. A request whose policy carries other batching
/// settings, or whose lease is on another instance of the model (reloaded after eviction), closes that batcher and
/// makes a new one; a closed batcher still scores what it holds. A batcher with no work for <see cref="IdleTimeout"/>
/// closes itself, so one whose version left the policy or whose endpoint was deleted is collected. A model failure fails
/// every request of that batch with the same exception; a caller that is cancelled stops waiting, but its rows stay in
/// the batch. Requests of <see cref="ResolvedPolicy.MaxBatchSize"/> rows or more are scored alone.
/// </remarks>
public sealed class AdaptiveBatching : IDisposable
{
    /// <summary>How long a batcher waits without work before it closes itself.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<(string Endpoint, string Model, int Version), EndpointBatcher> _batchers = new();
    private readonly TimeProvider _time;
    private readonly Histogram<int> _coalescedRows;
    private volatile bool _disposed;

    /// <summary>Creates the service and its histogram on the factory's <c>Ferry</c> meter.</summary>
    public AdaptiveBatching(IMeterFactory meters, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _coalescedRows = meters.Create(FerryTelemetry.SourceName).CreateHistogram<int>("predict_coalesced_rows", "{row}",
            "Rows per model call under adaptive batching (requests coalesced into one call), by endpoint and version.");
    }

    /// <summary>Whether a request goes through batching: batching is on and the request has fewer rows than the largest batch.</summary>
    public static bool Applies(ResolvedPolicy policy, FeatureBatch batch)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(batch);
        return policy.MaxBatchSize > 1 && batch.RowCount < policy.MaxBatchSize;
    }

    /// <summary>
    /// Scores <paramref name="batch"/> with <paramref name="model"/>, coalesced with concurrent requests for the same
    /// route when <see cref="Applies"/>, alone otherwise. <paramref name="release"/> (the request's model lease) is
    /// disposed once the rows have been scored, which may be after a cancelled caller stopped waiting.
    /// </summary>
    public Task<InferenceResult> PredictAsync(ResolvedPolicy policy, ResolvedRoute route, ILoadedModel model, FeatureBatch batch, IDisposable? release, CancellationToken cancellationToken)
    {
        var item = new WorkItem(batch, release);
        var alone = true;
        try
        {
            ArgumentNullException.ThrowIfNull(policy);
            ArgumentNullException.ThrowIfNull(route);
            ArgumentNullException.ThrowIfNull(model);
            alone = _disposed || !Applies(policy, batch);
            if (alone)
            {
                return Task.FromResult(model.Predict(batch));
            }
        }
        catch (Exception ex)
        {
            return Task.FromException<InferenceResult>(ex);
        }
        finally
        {
            if (alone)
            {
                item.Done();
            }
        }

        var key = (policy.EndpointName, route.ModelName, route.Version);
        while (true)
        {
            if (!_batchers.TryGetValue(key, out var batcher))
            {
                batcher = Create(key, policy, model);
                if (!_batchers.TryAdd(key, batcher))
                {
                    continue;
                }
            }

            if (!ReferenceEquals(batcher.Model, model) || batcher.MaxRows != policy.MaxBatchSize || batcher.DelayMicros != policy.MaxBatchDelayMicros)
            {
                batcher.Close();
                _batchers.TryRemove(KeyValuePair.Create(key, batcher));
                continue;
            }

            if (batcher.TryEnqueue(item))
            {
                return item.Task.WaitAsync(cancellationToken);
            }

            _batchers.TryRemove(KeyValuePair.Create(key, batcher));
        }
    }

    /// <summary>Closes every batcher; what they hold is still scored, and later requests are scored alone.</summary>
    public void Dispose()
    {
        _disposed = true;
        foreach (var (key, batcher) in _batchers)
        {
            batcher.Close();
            _batchers.TryRemove(KeyValuePair.Create(key, batcher));
        }
    }

    private EndpointBatcher Create((string Endpoint, string Model, int Version) key, ResolvedPolicy policy, ILoadedModel model)
    {
        var tags = new TagList { { "endpoint", key.Endpoint }, { "version", key.Version } };
        return new EndpointBatcher(model, policy.MaxBatchSize, policy.MaxBatchDelayMicros, IdleTimeout, _time, _coalescedRows, tags,
            closed => _batchers.TryRemove(KeyValuePair.Create(key, closed)));
    }
}
