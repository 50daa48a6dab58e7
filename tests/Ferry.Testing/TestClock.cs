using Microsoft.Extensions.Time.Testing;

namespace Ferry.Testing;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also tells when code starts waiting on it: every timer created (by
/// <c>Task.Delay</c>, <c>CancellationTokenSource</c>, <c>PeriodicTimer</c> or Polly on this clock) is noted with its
/// due time, and <see cref="WaitForTimerAsync"/> waits for one. A test then advances the clock only once the code under
/// test is waiting, so no step depends on how fast the machine is.
/// </summary>
public sealed class TestClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    /// <summary>How long <see cref="WaitForTimerAsync"/> waits at most before it fails (a bound on a hang, not a sleep).</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly Dictionary<TimeSpan, int> _created = [];
    private readonly List<(TimeSpan DueTime, TaskCompletionSource Signal)> _waiters = [];

    /// <summary>A clock at 2026-03-01 12:00 UTC.</summary>
    public TestClock()
        : this(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero))
    {
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        TaskCompletionSource? signal = null;
        lock (_gate)
        {
            var index = _waiters.FindIndex(w => w.DueTime == dueTime);
            if (index >= 0)
            {
                signal = _waiters[index].Signal;
                _waiters.RemoveAt(index);
            }
            else
            {
                _created[dueTime] = _created.GetValueOrDefault(dueTime) + 1;
            }
        }

        signal?.TrySetResult();
        return timer;
    }

    /// <summary>Whether a timer due in <paramref name="dueTime"/> was created that no <see cref="WaitForTimerAsync"/> took yet.</summary>
    public bool HasTimer(TimeSpan dueTime)
    {
        lock (_gate)
        {
            return _created.GetValueOrDefault(dueTime) > 0;
        }
    }

    /// <summary>
    /// Completes once a timer due in <paramref name="dueTime"/> was created on this clock (each timer answers one wait),
    /// that is, once the code under test waits for that long. Fails after <see cref="Bound"/> of real time.
    /// </summary>
    public async Task WaitForTimerAsync(TimeSpan dueTime)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            if (_created.GetValueOrDefault(dueTime) > 0)
            {
                _created[dueTime]--;
                return;
            }

            signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((dueTime, signal));
        }

        try
        {
            await signal.Task.WaitAsync(Bound);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"nothing started waiting {dueTime} on the test clock within {Bound.TotalSeconds} s");
        }
    }
}
