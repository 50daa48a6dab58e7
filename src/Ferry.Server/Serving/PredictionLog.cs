using System.Threading.Channels;
using Ferry.Core.Errors;
using Ferry.Core.Serving;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Serving;

/// <summary>
/// The prediction log's in-memory buffer: <see cref="IPredictionLog"/> on the request path, drained by
/// <see cref="PredictionLogWriter"/>. A request's records travel as one array, and room for all of them is reserved
/// on a record counter before the array is queued, so a call is all-or-nothing and the buffer (queued plus being
/// written) never holds more than <see cref="Capacity"/> records nor more than <see cref="MaxBytes"/> of their estimated
/// memory. No database work happens here.
/// </summary>
/// <remarks>
/// Full-buffer policy: wait up to <see cref="PredictionLogOptions.FullWait"/> for the writer to free
/// room, then refuse (return false, count the records in <c>ferry_prediction_log_rejected_total</c>); the caller
/// answers 503 without prediction ids. A call with more records than the whole capacity is refused at once, and
/// after shutdown began every call is refused.
/// </remarks>
public sealed class PredictionLog : IPredictionLog, IPredictionLogBarrier
{
    /// <summary>The longest <see cref="AfterQueuedWrittenAsync"/> waits for records queued before a lookup.</summary>
    public static readonly TimeSpan LookupWait = TimeSpan.FromSeconds(5);

    private readonly Channel<PendingRecords> _channel = Channel.CreateUnbounded<PendingRecords>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });

    private readonly TimeSpan _fullWait;
    private readonly TimeProvider _clock;
    private readonly PredictionLogMetrics _metrics;
    private readonly Lock _publishOrder = new();
    private long _count;
    private long _bytes;
    private long _published;
    private long _written;
    private TaskCompletionSource _roomFreed = NewSignal();

    /// <summary>Creates the buffer with the options' capacity and full-buffer wait.</summary>
    public PredictionLog(IOptions<PredictionLogOptions> options, TimeProvider clock, PredictionLogMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        Capacity = options.Value.Capacity;
        MaxBytes = options.Value.MaxBufferBytes;
        _fullWait = options.Value.FullWait;
        DurableTimeout = options.Value.DurableTimeout;
        _clock = clock;
        _metrics = metrics;
        metrics.Meter.CreateObservableGauge("prediction_log_queue_depth", () => Count, "{record}",
            "Predictions accepted but not yet written (queued or in the batch being written).");
    }

    /// <summary>Most records the buffer holds.</summary>
    public int Capacity { get; }

    /// <summary>Most memory the buffered records may take, by <see cref="EstimateBytes"/> (<see cref="PredictionLogOptions.MaxBufferBytes"/>).</summary>
    public long MaxBytes { get; }

    /// <summary>The estimated memory of the records accepted and not yet written.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>How long a durable request waits for its rows' commit (<see cref="PredictionLogOptions.DurableTimeout"/>).</summary>
    public TimeSpan DurableTimeout { get; }

    /// <summary>Records accepted and not yet written or given up on.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>
    /// Records ever queued, counted in queue order: once <see cref="Written"/> reaches a value read here, every record
    /// queued before that read is in the database.
    /// </summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Records ever written to the database; the writer writes in queue order.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Where the writer reads from.</summary>
    internal ChannelReader<PendingRecords> Reader => _channel.Reader;

    /// <inheritdoc />
    public ValueTask<bool> TryEnqueueAsync(IReadOnlyList<PredictionRecord> records, CancellationToken cancellationToken = default) =>
        TryEnqueueAsync(records, completed: null, cancellationToken);

    /// <summary>
    /// Queues records that are still being completed off the request path (shadow answers): the writer waits for
    /// <paramref name="completed"/> before it writes them, and writes them whatever its outcome. False as
    /// <see cref="TryEnqueueAsync(IReadOnlyList{PredictionRecord}, CancellationToken)"/>.
    /// </summary>
    public async ValueTask<bool> TryEnqueueAsync(IReadOnlyList<PredictionRecord> records, Task? completed, CancellationToken cancellationToken = default) =>
        await EnqueueAsync(records, completed, durable: false, cancellationToken) is not null;

    /// <summary>
    /// Queues records as <see cref="TryEnqueueAsync(IReadOnlyList{PredictionRecord}, Task?, CancellationToken)"/> and
    /// returns the value <see cref="Published"/> reached with them (pass it to <see cref="WaitUntilWrittenAsync"/>),
    /// or null when refused. With <paramref name="durable"/> the writer writes as soon as it is free instead of waiting
    /// for its batch to fill: whatever is queued by then shares the transaction (group commit).
    /// </summary>
    public ValueTask<long?> EnqueueAsync(IReadOnlyList<PredictionRecord> records, Task? completed, bool durable, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return ValueTask.FromResult<long?>(Published);
        }

        var bytes = EstimateBytes(records);
        if (records.Count > Capacity || bytes > MaxBytes)
        {
            _metrics.Rejected(records.Count);
            return ValueTask.FromResult<long?>(null);
        }

        var batch = new PendingRecords(records.ToArray(), completed, durable, bytes);
        if (TryReserve(batch))
        {
            return ValueTask.FromResult(Publish(batch));
        }

        if (_fullWait <= TimeSpan.Zero || _channel.Reader.Completion.IsCompleted)
        {
            _metrics.Rejected(batch.Records.Length);
            return ValueTask.FromResult<long?>(null);
        }

        return WaitForRoomAsync(batch, cancellationToken);
    }

    /// <summary>
    /// Waits until <see cref="Written"/> reaches <paramref name="published"/> (a value of <see cref="Published"/>), so
    /// every record queued before it was read is in the database; false when <paramref name="timeout"/> ran out first.
    /// </summary>
    public async Task<bool> WaitUntilWrittenAsync(long published, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var started = _clock.GetTimestamp();
        while (true)
        {
            // Take the signal before checking, so a write between the check and the wait is not missed.
            var released = Volatile.Read(ref _roomFreed).Task;
            if (Written >= published)
            {
                return true;
            }

            var remaining = timeout - _clock.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                return false;
            }

            try
            {
                await released.WaitAsync(remaining, _clock, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Loop once more: a last check, then false.
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Asks the writer to write what it holds now (<see cref="RequestWrite"/>), then waits at most
    /// <see cref="LookupWait"/>.
    /// </remarks>
    public Task<bool> WriteQueuedAsync(CancellationToken cancellationToken = default)
    {
        var published = Published;
        if (Written >= published)
        {
            return Task.FromResult(true);
        }

        RequestWrite();
        return WaitUntilWrittenAsync(published, LookupWait, cancellationToken);
    }

    /// <summary>
    /// Runs a lookup of logged predictions by id; when it fails with <see cref="NotFoundException"/> or
    /// <see cref="ValidationException"/> while records queued before it are still unwritten, has the writer write them
    /// now, waits (up to <see cref="LookupWait"/>) for those and runs it once more. An id Ferry answered is thus never
    /// refused for being too recent; an unknown one costs at most that wait.
    /// </summary>
    /// <remarks>
    /// Both counters are read before the lookup: whether to retry depends on what was unwritten when the lookup
    /// started, not when it failed. (Checking <see cref="Written"/> only after a failure refused ids whose batch was
    /// committed between the failed lookup and the check.)
    /// </remarks>
    public async Task<T> AfterQueuedWrittenAsync<T>(Func<CancellationToken, Task<T>> lookup, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        var queuedBefore = Published;
        var unwrittenAtStart = Written < queuedBefore;
        try
        {
            return await lookup(cancellationToken);
        }
        catch (Exception e) when (e is NotFoundException or ValidationException && unwrittenAtStart)
        {
            RequestWrite();
            if (!await WaitUntilWrittenAsync(queuedBefore, LookupWait, cancellationToken))
            {
                throw;
            }
        }

        return await lookup(cancellationToken);
    }

    /// <summary>Counts records the writer stored and returns their room (see <see cref="Release(IReadOnlyList{PredictionRecord})"/>).</summary>
    internal void MarkWritten(IReadOnlyList<PredictionRecord> records)
    {
        Interlocked.Add(ref _written, records.Count);
        Release(records.Count, EstimateBytes(records));
    }

    /// <summary>Returns room for records that were written or given up on, and wakes callers waiting for it.</summary>
    internal void Release(IReadOnlyList<PredictionRecord> records) => Release(records.Count, EstimateBytes(records));

    /// <summary>
    /// The memory a record holds while it waits, estimated from its strings (UTF-16, two bytes a character; inputs kept
    /// as served values count as <see cref="ServedRows.EstimatedChars"/> and answers as <see cref="ServedJson.EstimatedChars"/>,
    /// without writing their text) plus a
    /// fixed 160 bytes for the object, its id and numbers: what bounds the buffer for wide rows, where a record count
    /// alone does not.
    /// </summary>
    public static long EstimateBytes(IReadOnlyList<PredictionRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        const int PerRecord = 160;
        long bytes = 0;
        for (var i = 0; i < records.Count; i++)
        {
            var r = records[i];
            // The same figure when the record is released as when it was counted in, whether its text was written since.
            var inputs = r.Served is { } served ? served.EstimatedChars : r.InputsJson.Length;
            var outputs = r.Answer is { } answer ? ServedJson.EstimatedChars(answer) : r.OutputsJson.Length;
            bytes += PerRecord + (2L * (inputs + outputs + (r.ShadowOutputsJson?.Length ?? 0)));
        }

        return bytes;
    }

    private void Release(int records, long bytes)
    {
        Interlocked.Add(ref _count, -records);
        Interlocked.Add(ref _bytes, -bytes);
        Interlocked.Exchange(ref _roomFreed, NewSignal()).TrySetResult();
    }

    /// <summary>
    /// Has the writer end the batch it is filling and write it now, rather than at the end of its flush interval: an
    /// empty durable entry in the queue, read as a durable request's rows are (nothing is counted or stored for it).
    /// </summary>
    private void RequestWrite() => _channel.Writer.TryWrite(new PendingRecords([], null, Durable: true));

    /// <summary>Stops accepting records (shutdown); what is queued stays readable for the drain.</summary>
    internal void Complete() => _channel.Writer.TryComplete();

    private async ValueTask<long?> WaitForRoomAsync(PendingRecords batch, CancellationToken cancellationToken)
    {
        var started = _clock.GetTimestamp();
        while (true)
        {
            // Take the signal before trying, so a release between the try and the wait is not missed.
            var roomFreed = Volatile.Read(ref _roomFreed).Task;
            if (TryReserve(batch))
            {
                return Publish(batch);
            }

            var remaining = _fullWait - _clock.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero || _channel.Reader.Completion.IsCompleted)
            {
                _metrics.Rejected(batch.Records.Length);
                return null;
            }

            try
            {
                await roomFreed.WaitAsync(remaining, _clock, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Loop once more: a last try, then the refusal above.
            }
        }
    }

    private bool TryReserve(PendingRecords batch)
    {
        if (!TryAdd(ref _count, batch.Records.Length, Capacity))
        {
            return false;
        }

        if (TryAdd(ref _bytes, batch.Bytes, MaxBytes))
        {
            return true;
        }

        Interlocked.Add(ref _count, -batch.Records.Length);
        return false;
    }

    private static bool TryAdd(ref long counter, long amount, long limit)
    {
        var current = Interlocked.Read(ref counter);
        while (current + amount <= limit)
        {
            var seen = Interlocked.CompareExchange(ref counter, current + amount, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    private long? Publish(PendingRecords batch)
    {
        var count = batch.Records.Length;
        long? published = null;
        lock (_publishOrder)
        {
            // Counted under the same lock as the write, so Published always counts a prefix of the queue.
            if (_channel.Writer.TryWrite(batch))
            {
                published = Interlocked.Add(ref _published, count);
            }
        }

        if (published is not null)
        {
            _metrics.Queued(count);
            return published;
        }

        // Shutting down: the writer no longer takes records.
        Release(count, batch.Bytes);
        _metrics.Rejected(count);
        return null;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// One request's records in the buffer, with what the writer waits for before writing them (null: nothing), and
/// whether a caller waits for their commit (the writer then writes without waiting for its batch to fill).
/// </summary>
internal readonly record struct PendingRecords(PredictionRecord[] Records, Task? Completed, bool Durable = false, long Bytes = 0);
