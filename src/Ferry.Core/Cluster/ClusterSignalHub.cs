namespace Ferry.Core.Cluster;

/// <summary>The subscribers of an <see cref="IClusterSignals"/>: each signal reaches each of them, in order, one at a time.</summary>
public sealed class ClusterSignalHub
{
    private readonly Lock _lock = new();
    private Action<ClusterSignal>[] _handlers = [];

    /// <summary>Adds a handler; disposing the result removes it.</summary>
    public IDisposable Subscribe(Action<ClusterSignal> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_lock)
        {
            _handlers = [.. _handlers, handler];
        }

        return new Subscription(this, handler);
    }

    /// <summary>
    /// Delivers a signal to every handler; a handler that throws does not stop the others. Returns the exceptions thrown
    /// (for the caller to log).
    /// </summary>
    public IReadOnlyList<Exception> Deliver(ClusterSignal signal)
    {
        List<Exception>? failures = null;
        Action<ClusterSignal>[] handlers;
        lock (_lock)
        {
            handlers = _handlers;
            foreach (var handler in handlers)
            {
                try
                {
                    handler(signal);
                }
                catch (Exception e)
                {
                    (failures ??= []).Add(e);
                }
            }
        }

        return failures ?? (IReadOnlyList<Exception>)[];
    }

    private void Remove(Action<ClusterSignal> handler)
    {
        lock (_lock)
        {
            _handlers = [.. _handlers.Where(h => h != handler)];
        }
    }

    private sealed class Subscription(ClusterSignalHub hub, Action<ClusterSignal> handler) : IDisposable
    {
        public void Dispose() => hub.Remove(handler);
    }
}

/// <summary>
/// One replica (SQLite): a published signal is delivered to this replica's own subscribers at once
/// (<see cref="ClusterSignal.FromThisReplica"/> true); nothing is ever missed, so no flush is needed.
/// </summary>
public sealed class InProcessClusterSignals : IClusterSignals
{
    private readonly ClusterSignalHub _hub = new();

    /// <inheritdoc />
    public bool IsListening => true;

    /// <inheritdoc />
    public void Publish(string topic, string key) => _hub.Deliver(new ClusterSignal(topic, key, FromThisReplica: true));

    /// <inheritdoc />
    public IDisposable Subscribe(Action<ClusterSignal> handler) => _hub.Subscribe(handler);

    /// <inheritdoc />
    public Task RunAsync(CancellationToken stoppingToken) => Task.CompletedTask;
}
