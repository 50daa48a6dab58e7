using System.Diagnostics.Metrics;
using Ferry.Core.Serving;
using Ferry.Server.Serving;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Server.Tests.Serving;

/// <summary>
/// The buffer alone (no writer drains it): all-or-nothing calls, the full-buffer wait and refusal, and their counters.
/// Its waits are on a <see cref="TestClock"/>, advanced once the buffer waits.
/// </summary>
public sealed class PredictionLogBufferTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset At = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly TestClock _clock = new();
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, long> _counts = [];

    public PredictionLogBufferTests()
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (_counts)
            {
                _counts[instrument.Name] = _counts.GetValueOrDefault(instrument.Name) + value;
            }
        });
        _listener.Start();
    }

    [Fact]
    public async Task FullBuffer_RefusesTheWholeCall_AndCountsIt()
    {
        var log = CreateLog(capacity: 10, fullWait: TimeSpan.Zero);
        Assert.True(await log.TryEnqueueAsync(Records(6)));
        Assert.False(await log.TryEnqueueAsync(Records(5)));
        Assert.Equal(6, log.Count);
        Assert.True(await log.TryEnqueueAsync(Records(4)));
        Assert.False(await log.TryEnqueueAsync(Records(1)));
        Assert.False(await log.TryEnqueueAsync(Records(11)));
        Assert.Equal(10, log.Count);

        _listener.RecordObservableInstruments();
        Assert.Equal(10, Count("prediction_log_queued"));
        Assert.Equal(17, Count("prediction_log_rejected_total"));
        Assert.Equal(10, Count("prediction_log_queue_depth"));
    }

    [Fact]
    public async Task WideRecords_BoundedByMemoryBeforeTheRecordCount_AndFreedWhenWritten()
    {
        const long MiB = 1L << 20;
        var log = CreateLog(capacity: 100_000, fullWait: TimeSpan.Zero, maxBytes: MiB);
        var wide = Wide(100, inputChars: 2_000); // about 420 KB: 100 x (160 + 2 x (2,000 + 39 characters of outputs))
        var each = PredictionLog.EstimateBytes(wide);
        Assert.InRange(each, 400_000, 430_000);

        Assert.True(await log.TryEnqueueAsync(wide));
        Assert.True(await log.TryEnqueueAsync(Wide(100, inputChars: 2_000)));
        Assert.False(await log.TryEnqueueAsync(Wide(100, inputChars: 2_000)), "a third would pass 1 MiB");
        Assert.Equal(200, log.Count);
        Assert.Equal(2 * each, log.Bytes);
        Assert.False(await log.TryEnqueueAsync(Wide(1, inputChars: 600_000)), "one record larger than the whole budget");

        log.MarkWritten(wide);
        Assert.Equal(each, log.Bytes);
        Assert.True(await log.TryEnqueueAsync(Wide(100, inputChars: 2_000)));
        Assert.Equal(101, Count("prediction_log_rejected_total"));
    }

    [Fact]
    public async Task FullBuffer_WaitsForRoom_AndTakesTheCallWhenTheWriterFreesEnough()
    {
        var log = CreateLog(capacity: 4, fullWait: TimeSpan.FromMinutes(5));
        Assert.True(await log.TryEnqueueAsync(Records(4)));
        var waiting = log.TryEnqueueAsync(Records(3)).AsTask();
        log.Release(Records(2));
        Assert.False(waiting.IsCompleted, "two free slots are not room for three records");
        log.Release(Records(2));
        Assert.True(await waiting.WaitAsync(Bound));
        Assert.Equal(3, log.Count);
        Assert.Equal(0, Count("prediction_log_rejected_total"));
    }

    [Fact]
    public async Task FullBuffer_AfterTheWait_Refuses()
    {
        var wait = TimeSpan.FromMilliseconds(20);
        var log = CreateLog(capacity: 2, fullWait: wait);
        Assert.True(await log.TryEnqueueAsync(Records(2)));
        var refused = log.TryEnqueueAsync(Records(1)).AsTask();
        await _clock.WaitForTimerAsync(wait);
        _clock.Advance(wait - TimeSpan.FromTicks(1));
        Assert.False(refused.IsCompleted, "refused before the wait was up");
        _clock.Advance(TimeSpan.FromTicks(1));
        Assert.False(await refused.WaitAsync(Bound));
        Assert.Equal(1, Count("prediction_log_rejected_total"));
    }

    [Fact]
    public async Task WaitUntilWritten_EndsWhenWhatWasQueuedBeforeIsWritten_NotBefore()
    {
        var log = CreateLog(capacity: 100, fullWait: TimeSpan.Zero);
        Assert.True(await log.TryEnqueueAsync(Records(3)));
        Assert.True(await log.TryEnqueueAsync(Records(2)));
        var mark = log.Published;
        Assert.Equal(5, mark);
        Assert.True(await log.TryEnqueueAsync(Records(4))); // queued after the mark: not waited for

        var timeout = TimeSpan.FromMilliseconds(50);
        var timingOut = log.WaitUntilWrittenAsync(mark, timeout);
        await _clock.WaitForTimerAsync(timeout);
        _clock.Advance(timeout);
        Assert.False(await timingOut.WaitAsync(Bound));
        var waiting = log.WaitUntilWrittenAsync(mark, TimeSpan.FromMinutes(5));
        log.MarkWritten(Records(3));
        await Task.Yield();
        Assert.False(waiting.IsCompleted);
        log.MarkWritten(Records(2));
        Assert.True(await waiting.WaitAsync(Bound));
        Assert.Equal(5, log.Written);
        Assert.Equal(4, log.Count);
    }

    [Fact]
    public async Task AfterQueuedWritten_BatchCommittedBetweenTheFailedLookupAndTheCheck_RetriesAndFinds()
    {
        // The interleaving the tester hit: the lookup misses the row, then the writer commits its batch before the
        // log checks whether anything was unwritten. The id must still be found, not refused.
        var log = CreateLog(capacity: 100, fullWait: TimeSpan.Zero);
        var records = Records(3);
        Assert.True(await log.TryEnqueueAsync(records));
        var calls = 0;
        var found = await log.AfterQueuedWrittenAsync(_ =>
        {
            if (++calls == 1)
            {
                log.MarkWritten(records); // the writer's commit lands here, after the lookup missed
                throw new Ferry.Core.Errors.NotFoundException("not logged yet");
            }

            return Task.FromResult(records[2].Id);
        }).WaitAsync(Bound);
        Assert.Equal(records[2].Id, found);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task AfterQueuedWritten_LookupMissesAnUnwrittenRow_AsksTheWriterToWriteNow()
    {
        // Without the request the writer would hold the rows for its whole flush interval before the retry could find them.
        var log = CreateLog(capacity: 100, fullWait: TimeSpan.Zero);
        var records = Records(2);
        Assert.True(await log.TryEnqueueAsync(records));
        Assert.True(log.Reader.TryRead(out var queued)); // the writer's read of the rows, still unwritten
        var calls = 0;
        var lookup = log.AfterQueuedWrittenAsync(_ => ++calls == 1
            ? throw new Ferry.Core.Errors.NotFoundException("not logged yet")
            : Task.FromResult(records[1].Id));

        Assert.True(log.Reader.TryRead(out var request));
        Assert.True(request.Durable);
        Assert.Empty(request.Records);
        log.MarkWritten(queued.Records);
        Assert.Equal(records[1].Id, await lookup.WaitAsync(Bound));
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task AfterQueuedWritten_NothingUnwrittenWhenTheLookupStarted_RefusesAtOnce()
    {
        var log = CreateLog(capacity: 100, fullWait: TimeSpan.Zero);
        Assert.True(await log.TryEnqueueAsync(Records(2)));
        log.MarkWritten(Records(2));
        var calls = 0;
        await Assert.ThrowsAsync<Ferry.Core.Errors.NotFoundException>(() => log.AfterQueuedWrittenAsync<Guid>(_ =>
        {
            calls++;
            throw new Ferry.Core.Errors.NotFoundException("unknown id");
        }).WaitAsync(Bound));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task AfterShutdownBegan_EveryCallIsRefused()
    {
        var log = CreateLog(capacity: 10, fullWait: TimeSpan.Zero);
        log.Complete();
        Assert.False(await log.TryEnqueueAsync(Records(1)));
        Assert.Equal(0, log.Count);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    private PredictionLog CreateLog(int capacity, TimeSpan fullWait, long maxBytes = 256L << 20) => new(
        Microsoft.Extensions.Options.Options.Create(new PredictionLogOptions { Capacity = capacity, FullWait = fullWait, MaxBufferBytes = maxBytes }),
        _clock,
        new PredictionLogMetrics(_services.GetRequiredService<IMeterFactory>()));

    private long Count(string name)
    {
        lock (_counts)
        {
            return _counts.GetValueOrDefault(name);
        }
    }

    /// <summary>Records served at <paramref name="at"/> (a fixed instant by default; servers' tests pass their clock's now).</summary>
    internal static PredictionRecord[] Records(int count, string endpoint = "credit", DateTimeOffset? at = null) =>
        [.. Enumerable.Range(0, count).Select(_ => Record(endpoint, at ?? At))];

    private static PredictionRecord[] Wide(int count, int inputChars) =>
        [.. Records(count).Select(r =>
        {
            r.InputsJson = "{\"text\":\"" + new string('x', inputChars - 12) + "\"}";
            return r;
        })];

    internal static PredictionRecord Record(string endpoint, DateTimeOffset at) => new()
    {
        Id = Guid.CreateVersion7(at),
        EndpointName = endpoint,
        ModelName = "credit-risk",
        ModelVersion = 1,
        Timestamp = at.ToUnixTimeMilliseconds(),
        InputsJson = """{"age":35,"income":48000}""",
        OutputsJson = """{"label":"0","probabilities":[0.8,0.2]}""",
        LatencyMicros = 500,
    };
}
