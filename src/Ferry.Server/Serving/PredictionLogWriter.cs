using Ferry.Core.Serving;
using Ferry.Server.Health;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Serving;

/// <summary>
/// Drains <see cref="PredictionLog"/> into the <c>predictions</c> table off the request path: a batch is up to
/// <see cref="PredictionLogOptions.BatchSize"/> records or whatever arrived within
/// <see cref="PredictionLogOptions.FlushInterval"/> of its first record, written in one transaction
/// (<see cref="IPredictionStore.InsertBatchAsync"/>). A batch holding records of a durable endpoint (whose caller waits
/// for the commit) is written as soon as it holds what is queued, without waiting for the flush interval: requests that
/// arrive while a batch is being written share the next transaction (group commit). While a batch is written, what is
/// already queued is taken as the next one and, once that is whole or urgent, encoded ahead
/// (<see cref="IPredictionStore.PrepareBatch"/>), so the database's work on one batch overlaps ours on the next.
/// </summary>
/// <remarks>
/// <para>Database errors (SQLite busy, a PostgreSQL restart) are retried until they succeed, with exponential
/// backoff from <see cref="FirstBackoff"/> capped at <see cref="MaxBackoff"/>: an acknowledged prediction is never
/// given up while the process runs. A retry first leaves out ids already written, so a commit whose acknowledgement
/// was lost is not duplicated. The batch keeps its room in the buffer meanwhile, so a failing database fills the
/// buffer and new requests are refused (503, counted) rather than acknowledged.</para>
/// <para>Shutdown: the log stops accepting, and the writer drains what was accepted, bounded by the host's shutdown
/// timeout. Whatever is still unwritten when that runs out is logged as an error with its count.</para>
/// </remarks>
public sealed partial class PredictionLogWriter(
    PredictionLog log,
    IServiceScopeFactory scopes,
    IOptions<PredictionLogOptions> options,
    TimeProvider clock,
    PredictionLogMetrics metrics,
    ILogger<PredictionLogWriter> logger,
    DatabaseOutage outage) : BackgroundService
{
    /// <summary>Wait before the first retry; doubled before each further one up to <see cref="MaxBackoff"/>.</summary>
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait between two attempts.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _abort = new();

    /// <inheritdoc />
    // The loop ends when the log is completed and empty (StopAsync), not on the stopping token: stopping means drain.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => RunAsync(_abort.Token);

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        log.Complete();
        try
        {
            if (ExecuteTask is { } running)
            {
                await running.WaitAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout ran out before the drain finished.
        }
        finally
        {
            await _abort.CancelAsync();
            await base.StopAsync(cancellationToken);
        }

        var left = log.Count;
        if (left > 0)
        {
            metrics.Dropped(left);
            LogUnwrittenAtShutdown(logger, left);
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _abort.Dispose();
        base.Dispose();
    }

    private async Task RunAsync(CancellationToken abort)
    {
        var reader = log.Reader;
        var batch = new List<PredictionRecord>(options.Value.BatchSize);
        var next = new List<PredictionRecord>(options.Value.BatchSize);
        try
        {
            while (await reader.WaitToReadAsync(abort))
            {
                await FillAsync(batch, urgent: false, abort);
                while (batch.Count > 0)
                {
                    // While a batch is written, what is already queued is taken as the next one and, when it is
                    // complete, encoded: the database's work on one overlaps ours on the other. Nothing waits for more
                    // records meanwhile (the flush interval starts once the batch is written, as without overlap), and
                    // batches are still written one at a time, in order.
                    var writing = WriteAsync(batch, abort);
                    bool urgent;
                    try
                    {
                        urgent = await TakeQueuedAsync(next, abort);
                        if (urgent || next.Count >= options.Value.BatchSize)
                        {
                            await PrepareAsync(next);
                        }
                    }
                    finally
                    {
                        await writing;
                    }

                    batch.Clear();
                    (batch, next) = (next, batch);
                    if (batch.Count > 0 && !urgent && batch.Count < options.Value.BatchSize)
                    {
                        await FillAsync(batch, urgent, abort);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            // Shutdown timed out; StopAsync reports what is left.
        }
    }

    // Takes what is queued now, up to a whole batch, without waiting; returns whether any of it is durable.
    private async Task<bool> TakeQueuedAsync(List<PredictionRecord> batch, CancellationToken abort)
    {
        var reader = log.Reader;
        var urgent = false;
        while (batch.Count < options.Value.BatchSize && reader.TryRead(out var pending))
        {
            urgent |= pending.Durable;
            if (pending.Completed is { IsCompleted: false } completing)
            {
                // Shadow answers still being scored: they never fail (see Router) and take microseconds to milliseconds.
                await completing.WaitAsync(abort);
            }

            batch.AddRange(pending.Records);
        }

        return urgent;
    }

    // Fills the batch until it is whole, holds a durable record (urgent), or the flush interval is up.
    private async Task FillAsync(List<PredictionRecord> batch, bool urgent, CancellationToken abort)
    {
        var reader = log.Reader;
        var started = clock.GetTimestamp();
        while (true)
        {
            urgent |= await TakeQueuedAsync(batch, abort);
            var remaining = options.Value.FlushInterval - clock.GetElapsedTime(started);
            if (urgent || batch.Count >= options.Value.BatchSize || remaining <= TimeSpan.Zero)
            {
                return;
            }

            using var wait = new CancellationTokenSource(remaining, clock);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(wait.Token, abort);
            try
            {
                if (!await reader.WaitToReadAsync(linked.Token))
                {
                    return; // completed and empty: drain what we have
                }
            }
            catch (OperationCanceledException) when (!abort.IsCancellationRequested)
            {
                return; // the flush interval is up
            }
        }
    }

    private async Task PrepareAsync(List<PredictionRecord> batch)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<IPredictionStore>().PrepareBatch(batch);
    }

    private async Task WriteAsync(List<PredictionRecord> batch, CancellationToken abort)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var store = scope.ServiceProvider.GetRequiredService<IPredictionStore>();
                await store.InsertBatchAsync(batch, skipExisting: attempt > 1, abort);
                metrics.Written(batch.Count);
                log.MarkWritten(batch);
                outage.ReportAvailable();
                return;
            }
            catch (Exception e) when (!abort.IsCancellationRequested)
            {
                var backoff = attempt >= 7 ? MaxBackoff : TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, FirstBackoff.Ticks << (attempt - 1)));
                LogFailedAttempt(e, batch.Count, attempt, backoff);
                await Task.Delay(backoff, clock, abort);
            }
        }
    }

    // An unavailable database is logged once per outage by DatabaseOutage, not per attempt; another error is logged with
    // its stack trace on a batch's first failure only, then in one line per attempt at debug level.
    private void LogFailedAttempt(Exception e, int count, int attempt, TimeSpan backoff)
    {
        if (outage.Observe(e) || attempt > 1)
        {
            LogRetrying(logger, count, attempt, backoff.TotalMilliseconds, e.Message);
        }
        else
        {
            LogFirstFailure(logger, e, count, backoff.TotalMilliseconds);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing {Count} predictions failed; retrying in {BackoffMs} ms until it succeeds")]
    private static partial void LogFirstFailure(ILogger logger, Exception exception, int count, double backoffMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Writing {Count} predictions failed (attempt {Attempt}); retrying in {BackoffMs} ms: {Reason}")]
    private static partial void LogRetrying(ILogger logger, int count, int attempt, double backoffMs, string reason);


    [LoggerMessage(Level = LogLevel.Error, Message = "Shutdown timed out with {Count} accepted predictions not written to the prediction log")]
    private static partial void LogUnwrittenAtShutdown(ILogger logger, long count);
}
