using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Ferry.Core.Serving;

namespace Ferry.Server.Serving.Batching;

/// <summary>One request's rows waiting to be scored; completes with that request's share of the answer.</summary>
/// <param name="batch">The request's validated rows.</param>
/// <param name="release">Disposed once the rows have been scored (the request's model lease).</param>
internal sealed class WorkItem(FeatureBatch batch, IDisposable? release)
    : TaskCompletionSource<InferenceResult>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    private IDisposable? _release = release;

    public FeatureBatch Batch { get; } = batch;

    /// <summary>Disposes the release once, however often it is called.</summary>
    public void Done() => Interlocked.Exchange(ref _release, null)?.Dispose();
}

/// <summary>
/// The coalescing loop of one (endpoint, model, version) under one batching setting and one loaded model instance: a
/// single reader takes the first waiting request, then more until <see cref="MaxRows"/> rows are held or the delay since
/// the first has passed, scores them with one <see cref="ILoadedModel.Predict"/> call on the thread pool (up to
/// <see cref="MaxConcurrentBatches"/> at once) and splits the answer back. Every item read completes (result or exception) and is then <see cref="WorkItem.Done"/>. After <c>idle</c> without work the
/// batcher closes itself (writes are then refused and the caller makes a new one) and drains what is left.
/// </summary>
internal sealed class EndpointBatcher
{
    private readonly Channel<WorkItem> _channel = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TimeSpan _delay;
    private readonly TimeSpan _idle;
    private readonly TimeProvider _time;
    private readonly Histogram<int> _coalescedRows;
    private readonly TagList _tags;
    private readonly Action<EndpointBatcher> _closed;
    private readonly Channel<bool> _slots; // one token per batch that may be scored at once
    private int _started;

    public EndpointBatcher(ILoadedModel model, int maxRows, int maxDelayMicros, TimeSpan idle, TimeProvider time, Histogram<int> coalescedRows, TagList tags, Action<EndpointBatcher> closed)
    {
        Model = model;
        MaxRows = maxRows;
        DelayMicros = maxDelayMicros;
        _delay = TimeSpan.FromMicroseconds(maxDelayMicros);
        _idle = idle;
        _time = time;
        _coalescedRows = coalescedRows;
        _tags = tags;
        _closed = closed;
        _slots = Channel.CreateBounded<bool>(MaxConcurrentBatches);
        for (var i = 0; i < MaxConcurrentBatches; i++)
        {
            _slots.Writer.TryWrite(true);
        }
    }

    /// <summary>
    /// Batches scored at once (one per core): while that many are being scored, requests queue up and the next batch is
    /// collected as soon as one finishes, so a model whose session runs on one thread still uses every core.
    /// </summary>
    public static int MaxConcurrentBatches { get; } = Math.Max(1, Environment.ProcessorCount);

    private enum Wait
    {
        Ready,
        TimedOut,
        Closed,
    }

    /// <summary>The model instance every batch is scored with.</summary>
    public ILoadedModel Model { get; }

    /// <summary>The most rows in one batch.</summary>
    public int MaxRows { get; }

    /// <summary>How long the first request of a batch may wait for others, in microseconds.</summary>
    public int DelayMicros { get; }

    /// <summary>Queues an item; false when this batcher has closed (make a new one).</summary>
    public bool TryEnqueue(WorkItem item)
    {
        if (!_channel.Writer.TryWrite(item))
        {
            return false;
        }

        if (Volatile.Read(ref _started) == 0 && Interlocked.Exchange(ref _started, 1) == 0)
        {
            _ = Task.Run(RunAsync);
        }

        return true;
    }

    /// <summary>Refuses new items; those already queued are still scored.</summary>
    public void Close() => _channel.Writer.TryComplete();

    private async Task RunAsync()
    {
        var reader = _channel.Reader;
        var items = new List<WorkItem>();
        WorkItem? carry = null;
        try
        {
            while (true)
            {
                if (carry is null)
                {
                    if (!reader.TryRead(out carry))
                    {
                        var wait = await WaitAsync(reader, _idle);
                        if (wait == Wait.Closed)
                        {
                            return;
                        }

                        if (wait == Wait.TimedOut)
                        {
                            // Idle: refuse new items, let the owner forget this batcher, then drain what slipped in.
                            Close();
                            _closed(this);
                        }

                        continue;
                    }
                }

                // Wait for a free scoring slot before collecting, so requests arriving meanwhile join this batch.
                await _slots.Reader.ReadAsync();
                items.Add(carry);
                var rows = carry.Batch.RowCount;
                carry = null;
                var started = _time.GetTimestamp();
                while (rows < MaxRows)
                {
                    if (reader.TryRead(out var next))
                    {
                        if (rows + next.Batch.RowCount > MaxRows)
                        {
                            carry = next;
                            break;
                        }

                        items.Add(next);
                        rows += next.Batch.RowCount;
                        continue;
                    }

                    var left = _delay - _time.GetElapsedTime(started);
                    if (left <= TimeSpan.Zero || await WaitAsync(reader, left) != Wait.Ready)
                    {
                        break;
                    }
                }

                var batch = items;
                items = [];
                ThreadPool.UnsafeQueueUserWorkItem(state =>
                {
                    try
                    {
                        Score(state.Items, state.Rows);
                    }
                    finally
                    {
                        _slots.Writer.TryWrite(true);
                    }
                }, (Items: batch, Rows: rows), preferLocal: false);
            }
        }
        catch (Exception ex)
        {
            // Not expected (Score catches the model's errors); still, no caller may wait forever.
            Close();
            _closed(this);
            if (carry is not null)
            {
                items.Add(carry);
            }

            while (reader.TryRead(out var left))
            {
                items.Add(left);
            }

            Fail(items, ex);
            items.ForEach(static i => i.Done());
        }
    }

    // Ready: an item can be read; TimedOut: none came within the timeout; Closed: closed and drained.
    private async ValueTask<Wait> WaitAsync(ChannelReader<WorkItem> reader, TimeSpan timeout)
    {
        using var timer = new CancellationTokenSource(timeout, _time);
        var wait = reader.WaitToReadAsync(timer.Token).AsTask();
        await ((Task)wait).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return !wait.IsCompletedSuccessfully ? Wait.TimedOut : wait.Result ? Wait.Ready : Wait.Closed;
    }

    private void Score(List<WorkItem> items, int rows)
    {
        try
        {
            if (items.Count == 1)
            {
                ScoreAlone(items[0]);
                return;
            }

            var combined = BatchRows.Concat(items.ConvertAll(i => i.Batch), rows);
            if (combined is null)
            {
                items.ForEach(ScoreAlone);
                return;
            }

            InferenceResult result;
            try
            {
                result = Predict(combined);
            }
            catch (Exception ex)
            {
                Fail(items, ex);
                return;
            }

            var parts = BatchRows.Split(result, items.ConvertAll(i => i.Batch.RowCount), rows);
            if (parts is null)
            {
                items.ForEach(ScoreAlone);
                return;
            }

            for (var i = 0; i < items.Count; i++)
            {
                items[i].TrySetResult(parts[i]);
            }
        }
        catch (Exception ex)
        {
            Fail(items, ex);
        }
        finally
        {
            items.ForEach(static i => i.Done());
        }
    }

    private void ScoreAlone(WorkItem item)
    {
        try
        {
            item.TrySetResult(Predict(item.Batch));
        }
        catch (Exception ex)
        {
            item.TrySetException(ex);
        }
    }

    private InferenceResult Predict(FeatureBatch batch)
    {
        var result = Model.Predict(batch);
        if (result.Rows.Count != batch.RowCount)
        {
            throw new InvalidOperationException($"The model answered {result.Rows.Count} rows for {batch.RowCount}.");
        }

        _coalescedRows.Record(batch.RowCount, _tags);
        return result;
    }

    private static void Fail(List<WorkItem> items, Exception ex)
    {
        foreach (var item in items)
        {
            item.TrySetException(ex);
        }
    }
}
