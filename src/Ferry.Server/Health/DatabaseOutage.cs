using System.Diagnostics.Metrics;
using Ferry.Core.Health;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Health;

/// <summary>
/// Whether the metadata database is unavailable now, as learned from failures (<see cref="Observe"/>) and from
/// successes (<see cref="ReportAvailable"/>, and a probe every <see cref="DatabaseOutageOptions.ProbeInterval"/> while
/// an outage lasts). Each change is logged once: a warning "Database unavailable since ...: reason" when the first
/// failure is seen, and "Database available again after N s; M requests answered 503" when it answers again; never a
/// stack trace per request. The provider's <see cref="IDatabaseFaults"/> decides what counts as unavailable.
/// </summary>
/// <remarks>
/// Metrics on Ferry's meter (so <c>/metrics</c> shows them prefixed <c>ferry_</c>): <c>database_unavailable</c> (1 during
/// an outage), <c>database_outages_total</c>, <c>database_unavailable_responses_total</c> (requests answered 503 because
/// of the database) and <c>database_outage_cache_hits_total</c> (answers given from memory because the database was
/// unavailable, by <c>cache</c>: token, policy, reference).
/// </remarks>
public sealed partial class DatabaseOutage : IDisposable
{
    private readonly IDatabaseFaults _faults;
    private readonly IServiceScopeFactory _scopes;
    private readonly DatabaseOutageOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<DatabaseOutage> _logger;
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Counter<long> _outages;
    private readonly Counter<long> _responses;
    private readonly Counter<long> _cacheHits;
    private Outage? _current;

    /// <summary>Creates the tracker.</summary>
    public DatabaseOutage(IDatabaseFaults faults, IServiceScopeFactory scopes, IOptions<DatabaseOutageOptions> options, TimeProvider clock, IMeterFactory meters, ILogger<DatabaseOutage> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meters);
        _faults = faults;
        _scopes = scopes;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
        var meter = meters.Create("Ferry"); // FerryTelemetry.SourceName, not named here so Health depends on no feature
        meter.CreateObservableGauge("database_unavailable", () => IsUnavailable ? 1 : 0, description: "1 while the metadata database is unavailable, else 0.");
        _outages = meter.CreateCounter<long>("database_outages_total", "{outage}", "Times the metadata database became unavailable.");
        _responses = meter.CreateCounter<long>("database_unavailable_responses_total", "{request}",
            "Requests answered 503 with Retry-After because the metadata database was unavailable.");
        _cacheHits = meter.CreateCounter<long>("database_outage_cache_hits_total", "{answer}",
            "Answers taken from memory because the metadata database was unavailable, by cache (token, policy, reference).");
    }

    /// <summary>True while an outage is known (from the first failure until a success or the probe says otherwise).</summary>
    public bool IsUnavailable => Volatile.Read(ref _current) is not null;

    /// <summary>The <c>Retry-After</c> of a 503 caused by the database.</summary>
    public TimeSpan RetryAfter => _options.RetryAfter;

    /// <summary>
    /// True when <paramref name="exception"/> means the database is unavailable; then an outage is recorded (logged once
    /// when it starts). False for any other failure, which the caller handles as before.
    /// </summary>
    public bool Observe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (_faults.Unavailable(exception) is not { } reason)
        {
            return false;
        }

        Outage? started = null;
        lock (_lock)
        {
            if (_current is null)
            {
                _current = started = new Outage(_clock.GetUtcNow(), _clock.GetTimestamp(), reason);
            }
        }

        if (started is not null)
        {
            _outages.Add(1);
            LogUnavailable(_logger, started.Since, reason);
            ForgetConnections();
            _ = ProbeAsync(started);
        }

        return true;
    }

    /// <summary>Records a database round trip that succeeded: ends the outage if one was known.</summary>
    public void ReportAvailable()
    {
        if (Volatile.Read(ref _current) is null)
        {
            return;
        }

        Outage? ended;
        lock (_lock)
        {
            ended = _current;
            _current = null;
        }

        if (ended is not null)
        {
            LogAvailableAgain(_logger, _clock.GetElapsedTime(ended.StartedAt).TotalSeconds, Volatile.Read(ref ended.Answered503));
        }
    }

    /// <summary>Counts a request answered 503 because the database was unavailable.</summary>
    public void Answered503()
    {
        if (Volatile.Read(ref _current) is { } outage)
        {
            Interlocked.Increment(ref outage.Answered503);
        }

        _responses.Add(1);
    }

    /// <summary>Counts an answer taken from memory because the database was unavailable.</summary>
    public void ServedFromMemory(string cache) => _cacheHits.Add(1, new KeyValuePair<string, object?>("cache", cache));

    /// <inheritdoc />
    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private async Task ProbeAsync(Outage outage)
    {
        try
        {
            while (ReferenceEquals(Volatile.Read(ref _current), outage))
            {
                await Task.Delay(_options.ProbeInterval, _clock, _stopping.Token);
                if (await AnswersAsync())
                {
                    ForgetConnections();
                    ReportAvailable();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The host is stopping.
        }
        catch (ObjectDisposedException)
        {
            // The host stopped.
        }
    }

    private async Task<bool> AnswersAsync()
    {
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<IDatabaseHealth>().CanConnectAsync(_stopping.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException and not ObjectDisposedException)
        {
            return false;
        }
    }

    private void ForgetConnections()
    {
        try
        {
            _faults.ForgetConnections();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogForgetFailed(_logger, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database unavailable since {Since:o}: {Reason}. Serving goes on from memory; other requests are answered 503 with Retry-After until it is back")]
    private static partial void LogUnavailable(ILogger logger, DateTimeOffset since, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database available again after {Seconds:F1} s; {Answered} requests answered 503 meanwhile")]
    private static partial void LogAvailableAgain(ILogger logger, double seconds, long answered);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not drop pooled database connections: {Reason}")]
    private static partial void LogForgetFailed(ILogger logger, string reason);

    private sealed class Outage(DateTimeOffset since, long startedAt, string reason)
    {
        public long Answered503;

        public DateTimeOffset Since { get; } = since;

        public long StartedAt { get; } = startedAt;

        public string Reason { get; } = reason;
    }
}
