using System.Threading.Channels;
using Ferry.Core.Cluster;
using Ferry.Server.Identity;
using Ferry.Server.Monitoring;
using Ferry.Server.Serving;

namespace Ferry.Server.Cluster;

/// <summary>
/// Applies other replicas' changes to this replica's caches: a revoked token is forgotten (<see cref="TokenCache"/>),
/// an endpoint's policy is re-read with its versions loaded before the swap (<see cref="PolicyCache"/>), a version
/// unloaded there is unloaded here and one loaded there is loaded here (<see cref="ModelCache"/>), a stored reference
/// is re-read (<see cref="ReferenceCache"/>). A <see cref="ClusterTopics.Flush"/> (after the listener reconnects)
/// makes every token be confirmed again, every held policy re-read and every reference re-read. Signals are applied
/// one at a time, in the order heard; this replica's own signals are skipped (it applied them when it made the change).
/// Runs the <see cref="IClusterSignals"/> loop as well.
/// </summary>
public sealed partial class ClusterCoherence(
    IClusterSignals signals, IServiceProvider services, ILogger<ClusterCoherence> logger) : BackgroundService
{
    private readonly Channel<ClusterSignal> _heard = Channel.CreateUnbounded<ClusterSignal>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _lock = new();
    private readonly List<(Func<ClusterSignal, bool> Match, TaskCompletionSource Done)> _waiters = [];
    private long _applied;

    /// <summary>Signals applied so far (other replicas' and flushes).</summary>
    public long Applied => Interlocked.Read(ref _applied);

    /// <summary>
    /// Completes once a signal matching <paramref name="match"/> has been applied to this replica's caches (for tests
    /// and diagnostics: subscribe before causing the change).
    /// </summary>
    public Task WhenAppliedAsync(Func<ClusterSignal, bool> match)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _waiters.Add((match, done));
        }

        return done.Task;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = signals.Subscribe(signal =>
        {
            if (!signal.FromThisReplica || signal.Topic == ClusterTopics.Flush)
            {
                _heard.Writer.TryWrite(signal);
            }
        });
        var run = signals.RunAsync(stoppingToken);
        try
        {
            await foreach (var signal in _heard.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await ApplyAsync(signal, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // The cache keeps what it has; its own expiry still bounds how long.
                    LogApplyFailed(logger, e, signal.Topic, signal.Key);
                }

                Interlocked.Increment(ref _applied);
                Complete(signal);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        try
        {
            await run;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ApplyAsync(ClusterSignal signal, CancellationToken cancellationToken)
    {
        switch (signal.Topic)
        {
            case ClusterTopics.TokenRevoked:
                services.GetRequiredService<TokenCache>().ForgetHere(signal.Key);
                break;
            case ClusterTopics.Policy:
                await services.GetRequiredService<PolicyCache>().RefreshHeldAsync(signal.Key, cancellationToken);
                break;
            case ClusterTopics.ModelUnloaded when ClusterTopics.ParseVersionKey(signal.Key) is { } unloaded:
                services.GetRequiredService<ModelCache>().Unload(unloaded.Model, unloaded.Version);
                break;
            case ClusterTopics.ModelLoaded:
                await services.GetRequiredService<PolicyCache>().LoadRoutesAsync(signal.Key, cancellationToken);
                break;
            case ClusterTopics.Reference when ClusterTopics.ParseVersionKey(signal.Key) is { } stored:
                services.GetRequiredService<ReferenceCache>().Evict(stored.Model, stored.Version);
                break;
            case ClusterTopics.Flush:
                services.GetRequiredService<TokenCache>().ConfirmAllAgain();
                services.GetRequiredService<ReferenceCache>().Clear();
                await services.GetRequiredService<PolicyCache>().RefreshAllHeldAsync(cancellationToken);
                break;
            default:
                break;
        }
    }

    private void Complete(ClusterSignal signal)
    {
        List<TaskCompletionSource> done = [];
        lock (_lock)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(signal))
                {
                    done.Add(_waiters[i].Done);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var waiter in done)
        {
            waiter.TrySetResult();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not apply the cluster signal {Topic} {Key}; the cache's own expiry bounds it")]
    private static partial void LogApplyFailed(ILogger logger, Exception exception, string topic, string key);
}
