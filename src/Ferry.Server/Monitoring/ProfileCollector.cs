using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Ferry.Core.Monitoring;
using Ferry.Core.Serving;
using Ferry.Server.Health;
using Ferry.Statistics.Profiles;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Monitoring;

/// <summary>
/// Folds every served batch into per-endpoint, per-version, per-bucket profiles, off the request path: the request only
/// queues a reference to its validated batch and answer (never blocking; when the queue is full the batch is not
/// profiled and <c>ferry_profile_dropped_rows_total</c> counts it; the prediction log still has the rows). A background
/// loop folds each batch as it arrives and writes the profiles every <see cref="ProfileOptions.FlushInterval"/>, and on
/// shutdown.
/// Columns are laid out by the version's reference (its bin edges and categories); without one, by kind only.
/// </summary>
public sealed partial class ProfileCollector : BackgroundService
{
    private readonly Channel<Observation> _queue;
    private readonly Dictionary<BucketKey, DatasetProfile> _pending = [];
    private readonly SemaphoreSlim _flushLock = new(1, 1);
    private readonly IServiceScopeFactory _scopes;
    private readonly ReferenceCache _references;
    private readonly ProfileOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<ProfileCollector> _logger;
    private readonly DatabaseOutage _outage;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _folded;

    // Taken from the queue but not folded yet (its reference could not be read): folded first at the next flush.
    private Observation? _held;

    /// <summary>Creates the collector.</summary>
    public ProfileCollector(IServiceScopeFactory scopes, ReferenceCache references, IOptions<ProfileOptions> options, TimeProvider clock, IMeterFactory meters, DatabaseOutage outage, ILogger<ProfileCollector> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meters);
        _scopes = scopes;
        _references = references;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
        _outage = outage;
        _queue = Channel.CreateBounded<Observation>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = true,
        });
        var meter = meters.Create("Ferry.Monitoring");
        _dropped = meter.CreateCounter<long>("profile_dropped_rows", description: "Served rows not folded into profiles because the profile queue was full");
        _folded = meter.CreateCounter<long>("profile_folded_rows", description: "Served rows folded into profiles");
    }

    /// <summary>Queues a served batch for profiling (never blocks).</summary>
    public void Observe(string endpoint, ResolvedRoute route, ILoadedModel model, FeatureBatch batch, InferenceResult result, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(batch);
        if (!_queue.Writer.TryWrite(new Observation(endpoint, route.ModelName, route.Version, model, batch, result, null, timestamp)))
        {
            _dropped.Add(batch.RowCount);
        }
    }

    /// <summary>Counts the fields of a refused request as invalid (wrong type or schema) in the profile.</summary>
    public void ObserveInvalid(string endpoint, ResolvedRoute route, ILoadedModel model, IEnumerable<string> fields, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(route);
        _queue.Writer.TryWrite(new Observation(endpoint, route.ModelName, route.Version, model, null, null, [.. fields], timestamp));
    }

    /// <summary>Folds whatever is queued and writes every pending profile now (monitor runs call this first).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        await _flushLock.WaitAsync(cancellationToken);
        try
        {
            await DrainAsync(cancellationToken);
            await WriteAsync(cancellationToken);
        }
        finally
        {
            _flushLock.Release();
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Batches are folded as they arrive, so the queue holds only what arrived since the last fold (a served batch is
    /// not kept alive for a whole flush interval), and the folded profiles are written every
    /// <see cref="ProfileOptions.FlushInterval"/>.
    /// </remarks>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastWrite = _clock.GetTimestamp();
        var foldFailed = false; // after a failed fold (the database is away), wait for the next write to try again
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var remaining = _options.FlushInterval - _clock.GetElapsedTime(lastWrite);
                if (remaining <= TimeSpan.Zero)
                {
                    lastWrite = _clock.GetTimestamp();
                    foldFailed = false;
                    await FlushLoggingFailuresAsync(stoppingToken);
                    continue;
                }

                if (!foldFailed && _queue.Reader.Count > 0)
                {
                    foldFailed = !await FoldQueuedAsync(stoppingToken);
                    continue;
                }

                using var interval = new CancellationTokenSource(remaining, _clock);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(interval.Token, stoppingToken);
                try
                {
                    if (foldFailed)
                    {
                        await Task.Delay(Timeout.InfiniteTimeSpan, _clock, wait.Token);
                    }

                    await _queue.Reader.WaitToReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    continue; // the interval is up: write
                }

                foldFailed = !await FoldQueuedAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushLoggingFailuresAsync(cancellationToken);
    }

    private async Task FlushLoggingFailuresAsync(CancellationToken cancellationToken)
    {
        try
        {
            await FlushAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException && !_outage.Observe(exception))
        {
            LogFlushFailed(_logger, exception);
        }
    }

    /// <summary>Folds what is queued; false when that failed (logged unless the database is known to be away).</summary>
    private async Task<bool> FoldQueuedAsync(CancellationToken cancellationToken)
    {
        await _flushLock.WaitAsync(cancellationToken);
        try
        {
            await DrainAsync(cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            if (!_outage.Observe(exception))
            {
                LogFlushFailed(_logger, exception);
            }

            return false;
        }
        finally
        {
            _flushLock.Release();
        }
    }

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (_held is { } observation || _queue.Reader.TryRead(out observation))
        {
            _held = observation;
            var width = (long)_options.BucketWidth.TotalMilliseconds;
            var key = new BucketKey(observation.Endpoint, observation.Model, observation.Version, observation.Timestamp / width * width);
            if (!_pending.TryGetValue(key, out var profile))
            {
                var reference = await _references.GetAsync(observation.Model, observation.Version, cancellationToken);
                var schema = reference?.Profile.Schema ?? ProfileFolding.KindsOnly(observation.LoadedModel.Features);
                profile = DatasetProfile.Empty(schema);
                _pending[key] = profile;
            }

            if (observation.Batch is not null && observation.Result is not null)
            {
                ProfileFolding.Fold(profile, observation.Batch, observation.Result);
                _folded.Add(observation.Batch.RowCount);
            }
            else if (observation.InvalidFields is not null)
            {
                profile.AddRefusedRequest();
                foreach (var field in observation.InvalidFields)
                {
                    if (profile.Columns.TryGetValue(field, out var column))
                    {
                        column.AddInvalid();
                    }
                }
            }

            _held = null;
        }
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        if (_pending.Count == 0)
        {
            return;
        }

        var width = (long)_options.BucketWidth.TotalMilliseconds;
        var deltas = _pending.Select(p => new ProfileDelta(p.Key.Endpoint, p.Key.Model, p.Key.Version, p.Key.BucketStart, width, p.Value)).ToList();
        await using var scope = _scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IProfileBucketStore>().UpsertAsync(_options.ReplicaId, deltas, cancellationToken);
        _outage.ReportAvailable();
        _pending.Clear();
    }

    private sealed record Observation(string Endpoint, string Model, int Version, ILoadedModel LoadedModel, FeatureBatch? Batch, InferenceResult? Result, string[]? InvalidFields, long Timestamp);

    private readonly record struct BucketKey(string Endpoint, string Model, int Version, long BucketStart);

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing profiles failed; they are kept and retried at the next flush")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);
}
