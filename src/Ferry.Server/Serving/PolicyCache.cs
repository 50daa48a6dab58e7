using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Ferry.Core.Cluster;
using Ferry.Core.Serving;
using Ferry.Server.Health;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Serving;

/// <summary>
/// Each endpoint's active policy (aliases resolved), kept in memory so the request path never waits on the database.
/// The first request for an endpoint reads it; after that a request that finds it older than
/// <see cref="ModelCacheOptions.PolicyRefreshInterval"/> starts one background re-read and goes on with the copy it has.
/// A re-read that changes the routes loads the new versions before the new policy is swapped in (load-before-retire),
/// so a deploy or rollback fails no request. A deploy made by this process calls <see cref="RefreshAsync"/> to apply at once,
/// which signals the other replicas (<see cref="IClusterSignals"/>); they re-read the policy the same way
/// (<see cref="RefreshHeldAsync"/>) when they hear it, else within the refresh interval.
/// While the database is unavailable (<see cref="DatabaseOutage"/>) no re-read is tried and the held policy is served;
/// a re-read that finds it unavailable is not logged here (the outage is logged once). The policy carries the
/// endpoint's oversight settings, so a suspension reaches the request path with no database read (one null check).
/// </summary>
public sealed partial class PolicyCache(IServiceScopeFactory scopes, ModelCache models, IOptions<ModelCacheOptions> options, DatabaseOutage outage, ServingMetrics metrics, ILogger<PolicyCache> logger, IClusterSignals? signals = null)
{
    private readonly ConcurrentDictionary<string, Slot> _slots = Slots(metrics);
    private readonly long _refreshTicks = (long)(options.Value.PolicyRefreshInterval.TotalSeconds * Stopwatch.Frequency);

    /// <summary>The endpoint's policy, or null for an unknown endpoint.</summary>
    public ValueTask<ResolvedPolicy?> GetAsync(string endpointName, CancellationToken cancellationToken = default)
    {
        if (_slots.TryGetValue(endpointName, out var slot))
        {
            if (Stopwatch.GetTimestamp() - slot.ReadAt > _refreshTicks)
            {
                if (outage.IsUnavailable)
                {
                    outage.ServedFromMemory("policy");
                }
                else
                {
                    _ = RefreshInBackground(endpointName, slot);
                }
            }

            return ValueTask.FromResult(slot.Policy);
        }

        return new ValueTask<ResolvedPolicy?>(FirstReadAsync(endpointName, cancellationToken));
    }

    /// <summary>
    /// Re-reads the endpoint's policy now, loads its versions, then swaps it in. Call after deploying, rolling back or
    /// deleting (the deploy API does; other processes see the change within the refresh interval).
    /// </summary>
    public async Task RefreshAsync(string endpointName, CancellationToken cancellationToken = default)
    {
        var policy = await ReadAsync(endpointName, cancellationToken);
        await WarmAsync(policy, cancellationToken);
        _slots[endpointName] = new Slot(policy, Stopwatch.GetTimestamp());
        signals?.Publish(ClusterTopics.Policy, endpointName);
    }

    /// <summary>
    /// Re-reads an endpoint's policy that another replica changed, if this replica holds it (one it never served is read
    /// on its first request anyway): its versions are loaded before the swap, as for <see cref="RefreshAsync"/>.
    /// </summary>
    public async Task RefreshHeldAsync(string endpointName, CancellationToken cancellationToken = default)
    {
        if (!_slots.ContainsKey(endpointName))
        {
            return;
        }

        // Its caller (the cluster's signal loop) runs one re-read at a time, so an older read never replaces a newer one;
        // a background refresh that read before this one finds its slot replaced and drops what it read.
        var policy = await ReadAsync(endpointName, cancellationToken);
        await WarmAsync(policy, cancellationToken);
        _slots[endpointName] = new Slot(policy, Stopwatch.GetTimestamp());
    }

    /// <summary>Re-reads every policy held (signals may have been missed), one endpoint at a time.</summary>
    public async Task RefreshAllHeldAsync(CancellationToken cancellationToken = default)
    {
        foreach (var endpointName in _slots.Keys.ToList())
        {
            try
            {
                await RefreshHeldAsync(endpointName, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Keep the held policy; the refresh interval tries again.
                if (!outage.Observe(ex))
                {
                    LogRefreshFailed(logger, ex, endpointName);
                }
            }
        }
    }

    /// <summary>
    /// Loads every version the endpoint routes to (the model-repository extension's load on another replica); an
    /// endpoint this replica does not know is left alone.
    /// </summary>
    public async Task LoadRoutesAsync(string endpointName, CancellationToken cancellationToken = default)
    {
        if (await GetAsync(endpointName, cancellationToken) is { } policy)
        {
            await WarmAsync(policy, cancellationToken);
        }
    }

    /// <summary>Forgets an endpoint's cached policy: the next request re-reads it.</summary>
    public void Invalidate(string endpointName) => _slots.TryRemove(endpointName, out _);

    // The slots, observed by ferry_endpoint_suspended: one measurement per endpoint held.
    private static ConcurrentDictionary<string, Slot> Slots(ServingMetrics metrics)
    {
        var slots = new ConcurrentDictionary<string, Slot>(StringComparer.Ordinal);
        metrics.ObserveSuspended(() => slots.Where(s => s.Value.Policy is not null).Select(s =>
            new Measurement<int>(s.Value.Policy!.Oversight?.Suspended == true ? 1 : 0, new KeyValuePair<string, object?>("endpoint", s.Key))));
        return slots;
    }

    private async Task<ResolvedPolicy?> FirstReadAsync(string endpointName, CancellationToken cancellationToken)
    {
        var policy = await ReadAsync(endpointName, cancellationToken);
        var slot = new Slot(policy, Stopwatch.GetTimestamp());
        return _slots.GetOrAdd(endpointName, slot).Policy;
    }

    private async Task RefreshInBackground(string endpointName, Slot stale)
    {
        if (Interlocked.Exchange(ref stale.Refreshing, 1) != 0)
        {
            return;
        }

        try
        {
            var policy = await ReadAsync(endpointName, CancellationToken.None);
            if (!SameRoutes(policy, stale.Policy))
            {
                await WarmAsync(policy, CancellationToken.None);
            }

            _slots.TryUpdate(endpointName, new Slot(policy, Stopwatch.GetTimestamp()), stale);
        }
        catch (Exception ex)
        {
            // Keep serving the policy we have; the next request after the interval tries again.
            if (!outage.Observe(ex))
            {
                LogRefreshFailed(logger, ex, endpointName);
            }

            _slots.TryUpdate(endpointName, new Slot(stale.Policy, Stopwatch.GetTimestamp()), stale);
        }
    }

    private async Task<ResolvedPolicy?> ReadAsync(string endpointName, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var policy = await scope.ServiceProvider.GetRequiredService<IEndpointStore>().ResolveAsync(endpointName, cancellationToken);
        outage.ReportAvailable();
        return policy;
    }

    // Loads every version the policy routes to, so the first request after the swap finds them ready.
    private async Task WarmAsync(ResolvedPolicy? policy, CancellationToken cancellationToken)
    {
        if (policy is null)
        {
            return;
        }

        foreach (var route in policy.Routes)
        {
            try
            {
                using var lease = await models.AcquireAsync(route, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogWarmFailed(logger, ex, route.ModelName, route.Version);
            }
        }
    }

    private static bool SameRoutes(ResolvedPolicy? a, ResolvedPolicy? b) =>
        a is null ? b is null : b is not null && a.Revision == b.Revision && a.Routes.SequenceEqual(b.Routes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh the policy of endpoint {Endpoint}; serving the one held")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not load model {Model} version {Version} ahead of a policy switch")]
    private static partial void LogWarmFailed(ILogger logger, Exception exception, string model, int version);

    private sealed class Slot(ResolvedPolicy? policy, long readAt)
    {
        public int Refreshing;

        public ResolvedPolicy? Policy { get; } = policy;

        public long ReadAt { get; } = readAt;
    }
}
