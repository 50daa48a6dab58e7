namespace Ferry.Cli.Quickstart;

/// <summary>
/// A clock that can be set forward: after <see cref="JumpTo"/> it reads the time it was set to plus the real time
/// since, and after <see cref="FollowSystem"/> it reads the system clock again. It never goes backwards, so what Ferry
/// records under it stays in order. The quickstart uses it to replay a day of traffic in seconds. Everything else
/// (timestamps, timers) is <paramref name="system"/>'s.
/// </summary>
internal sealed class SimulatedClock(TimeProvider system) : TimeProvider
{
    private readonly Lock _gate = new();
    private DateTimeOffset _anchor;
    private long _anchorTimestamp;
    private bool _simulating;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _simulating ? _anchor + system.GetElapsedTime(_anchorTimestamp) : system.GetUtcNow();
        }
    }

    /// <inheritdoc />
    public override long TimestampFrequency => system.TimestampFrequency;

    /// <inheritdoc />
    public override long GetTimestamp() => system.GetTimestamp();

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        system.CreateTimer(callback, state, dueTime, period);

    /// <summary>Sets the clock to <paramref name="time"/>, which must not be earlier than what it reads now.</summary>
    public void JumpTo(DateTimeOffset time)
    {
        lock (_gate)
        {
            var now = _simulating ? _anchor + system.GetElapsedTime(_anchorTimestamp) : system.GetUtcNow();
            if (time < now && _simulating)
            {
                throw new InvalidOperationException($"the clock reads {now:O} and cannot go back to {time:O}");
            }

            _anchor = time;
            _anchorTimestamp = system.GetTimestamp();
            _simulating = true;
        }
    }

    /// <summary>Reads the system clock from now on (it must be ahead of the simulated time).</summary>
    public void FollowSystem()
    {
        lock (_gate)
        {
            _simulating = false;
        }
    }
}
