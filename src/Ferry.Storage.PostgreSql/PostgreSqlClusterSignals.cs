using System.Threading.Channels;
using Ferry.Core.Cluster;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Ferry.Storage.PostgreSql;

/// <summary>
/// <see cref="IClusterSignals"/> on PostgreSQL's LISTEN/NOTIFY: one dedicated connection listens on
/// <see cref="Channel"/>; published signals are sent with <c>pg_notify</c> on pooled connections, in order. A lost
/// listening connection is reopened with exponential backoff (<c>reconnectMin</c> doubling up to <c>reconnectMax</c>);
/// after every (re)connect a <see cref="ClusterTopics.Flush"/> is delivered to this replica's subscribers, since
/// signals sent while it was not listening are gone. A silent connection is checked with <c>SELECT 1</c> every
/// <c>keepAlive</c>. A signal that cannot be sent is retried until it is <c>giveUpAfter</c> old: by then the other
/// replicas' caches have expired it by themselves (their polling bound).
/// </summary>
public sealed class PostgreSqlClusterSignals : IClusterSignals, IAsyncDisposable
{
    /// <summary>The notification channel.</summary>
    public const string Channel = "ferry_cluster";

    private static readonly Action<ILogger, string, Exception?> LogListening =
        LoggerMessage.Define<string>(LogLevel.Information, new EventId(1, "ClusterListening"), "Listening for cluster signals on PostgreSQL channel {Channel}");

    // The reason is logged as text, not as the exception: a database outage is logged once by the server's outage
    // watch, and the listener's retries must not add a stack trace per attempt.
    private static readonly Action<ILogger, double, string, Exception?> LogListenFailed =
        LoggerMessage.Define<double, string>(LogLevel.Warning, new EventId(2, "ClusterListenFailed"),
            "Cluster signals are not heard (caches fall back to their own expiry); reconnecting in {Seconds} s: {Reason}");

    private static readonly Action<ILogger, string, string, string, Exception?> LogSendFailed =
        LoggerMessage.Define<string, string, string>(LogLevel.Warning, new EventId(3, "ClusterSendFailed"),
            "Could not send the cluster signal {Topic} {Key}; other replicas rely on their caches' expiry for it: {Reason}");

    private static readonly Action<ILogger, Exception?> LogHandlerFailed =
        LoggerMessage.Define(LogLevel.Warning, new EventId(4, "ClusterHandlerFailed"), "A cluster signal handler failed");

    private readonly ClusterSignalHub _hub = new();
    private readonly Channel<(string Topic, string Key, DateTimeOffset At)> _outbox =
        System.Threading.Channels.Channel.CreateUnbounded<(string, string, DateTimeOffset)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _origin = Guid.NewGuid().ToString("N");
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly TimeSpan _reconnectMin;
    private readonly TimeSpan _reconnectMax;
    private readonly TimeSpan _keepAlive;
    private readonly TimeSpan _giveUpAfter;
    private volatile bool _listening;
    private long _connects;

    /// <summary>Creates the signals over a database (nothing is opened until <see cref="RunAsync"/>).</summary>
    public PostgreSqlClusterSignals(string connectionString, TimeProvider clock, ILogger<PostgreSqlClusterSignals> logger,
        TimeSpan reconnectMin, TimeSpan reconnectMax, TimeSpan keepAlive, TimeSpan giveUpAfter)
    {
        // Its own small pool, named so it shows apart from EF Core's connections in pg_stat_activity.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "ferry-cluster-signals", MaxPoolSize = 4 };
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        _clock = clock;
        _logger = logger;
        _reconnectMin = reconnectMin;
        _reconnectMax = reconnectMax;
        _keepAlive = keepAlive;
        _giveUpAfter = giveUpAfter;
    }

    /// <inheritdoc />
    public bool IsListening => _listening;

    /// <summary>How many times the listening connection was opened (1 after start, more after reconnects).</summary>
    public long Connects => Interlocked.Read(ref _connects);

    /// <summary>The PostgreSQL backend process id of the listening connection, 0 while not listening (for fault tests).</summary>
    public int ListenerProcessId { get; private set; }

    /// <inheritdoc />
    public void Publish(string topic, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(key);
        _outbox.Writer.TryWrite((topic, key, _clock.GetUtcNow()));
    }

    /// <inheritdoc />
    public IDisposable Subscribe(Action<ClusterSignal> handler) => _hub.Subscribe(handler);

    /// <inheritdoc />
    public Task RunAsync(CancellationToken stoppingToken) => Task.WhenAll(ListenAsync(stoppingToken), SendAsync(stoppingToken));

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    // payload: origin \t topic \t key (a key never holds a tab: endpoint and model names are validated, hashes are base64/hex)
    private string Payload(string topic, string key) => $"{_origin}\t{topic}\t{key}";

    private async Task SendAsync(CancellationToken stoppingToken)
    {
        var delay = _reconnectMin;
        while (await _outbox.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
        {
            while (_outbox.Reader.TryPeek(out var signal))
            {
                try
                {
                    await using var command = _dataSource.CreateCommand("SELECT pg_notify($1, $2)");
                    command.Parameters.Add(new NpgsqlParameter { Value = Channel });
                    command.Parameters.Add(new NpgsqlParameter { Value = Payload(signal.Topic, signal.Key) });
                    await command.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                    _outbox.Reader.TryRead(out _);
                    delay = _reconnectMin;
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    if (_clock.GetUtcNow() - signal.At >= _giveUpAfter)
                    {
                        LogSendFailed(_logger, signal.Topic, signal.Key, e.Message, null);
                        _outbox.Reader.TryRead(out _);
                        continue;
                    }

                    await Task.Delay(delay, _clock, stoppingToken).ConfigureAwait(false);
                    delay = Next(delay);
                }
            }
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        var delay = _reconnectMin;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
                connection.Notification += (_, e) => Deliver(e.Payload);
                await using (var listen = connection.CreateCommand())
                {
                    listen.CommandText = $"LISTEN {Channel}";
                    await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                }

                ListenerProcessId = connection.ProcessID;
                _listening = true;
                Interlocked.Increment(ref _connects);
                LogListening(_logger, Channel, null);
                delay = _reconnectMin;
                // Whatever was sent while this replica did not listen is lost: every cache starts over.
                Dispatch(new ClusterSignal(ClusterTopics.Flush, "", FromThisReplica: true));
                while (!stoppingToken.IsCancellationRequested)
                {
                    if (!await connection.WaitAsync(_keepAlive, stoppingToken).ConfigureAwait(false))
                    {
                        await using var ping = connection.CreateCommand();
                        ping.CommandText = "SELECT 1";
                        await ping.ExecuteScalarAsync(stoppingToken).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                _listening = false;
                ListenerProcessId = 0;
                LogListenFailed(_logger, delay.TotalSeconds, e.Message, null);
                try
                {
                    await Task.Delay(delay, _clock, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                delay = Next(delay);
            }
        }

        _listening = false;
    }

    private void Deliver(string payload)
    {
        var parts = payload.Split('\t', 3);
        if (parts.Length == 3)
        {
            Dispatch(new ClusterSignal(parts[1], parts[2], FromThisReplica: parts[0] == _origin));
        }
    }

    private void Dispatch(ClusterSignal signal)
    {
        foreach (var failure in _hub.Deliver(signal))
        {
            LogHandlerFailed(_logger, failure);
        }
    }

    private TimeSpan Next(TimeSpan delay)
    {
        var doubled = delay * 2;
        return doubled > _reconnectMax ? _reconnectMax : doubled;
    }
}
