namespace Ferry.Server.Memory;

/// <summary>
/// Decides when to give memory back: once per busy-to-idle transition, after <c>quietChecks</c> consecutive samples in
/// which the process allocated at most <c>quietBytes</c>. A sample with more allocation than that is activity and arms
/// the next trim; a server that stays idle is never trimmed twice.
/// </summary>
public sealed class IdleTrimPolicy(int quietChecks, long quietBytes)
{
    private long? _lastAllocated;
    private int _quiet;
    private bool _armed;

    /// <summary>Takes a sample of the process's total allocated bytes; true when memory should be given back now.</summary>
    public bool Observe(long totalAllocatedBytes)
    {
        var previous = _lastAllocated;
        _lastAllocated = totalAllocatedBytes;
        if (previous is null)
        {
            return false;
        }

        if (totalAllocatedBytes - previous.Value > quietBytes)
        {
            _armed = true;
            _quiet = 0;
            return false;
        }

        _quiet++;
        if (!_armed || _quiet < quietChecks)
        {
            return false;
        }

        _armed = false;
        return true;
    }
}
