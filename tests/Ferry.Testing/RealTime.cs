using System.Diagnostics.CodeAnalysis;

namespace Ferry.Testing;

/// <summary>
/// The one place tests wait on the real clock: for a real child process (<c>ferry server</c>), which runs on the
/// system clock and can only be polled. Everything in-process waits on signals or a <see cref="TestClock"/>.
/// </summary>
public static class RealTime
{
    /// <summary>How often <see cref="PollUntilAsync"/> asks by default.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Asks <paramref name="condition"/> every <paramref name="interval"/> (default 100 ms) until it holds (true) or
    /// <paramref name="timeout"/> of real time has passed (false). An exception from the condition ends the wait.
    /// </summary>
    [SuppressMessage("ApiDesign", "RS0030:Do not use banned APIs",
        Justification = "A real child process runs on the system clock: only real time can pass for it, and this is the one helper that waits for it.")]
    public static async Task<bool> PollUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = TimeProvider.System;
        var started = clock.GetTimestamp();
        while (!await condition())
        {
            if (clock.GetElapsedTime(started) > timeout)
            {
                return false;
            }

            await Task.Delay(interval ?? DefaultInterval, clock);
        }

        return true;
    }
}
