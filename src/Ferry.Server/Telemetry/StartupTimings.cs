using System.Globalization;

namespace Ferry.Server.Telemetry;

/// <summary>
/// Start-up phase timestamps for <c>bench/startup</c>: when <c>FERRY_STARTUP_TIMINGS</c> holds the launch time (Unix
/// epoch nanoseconds, as <c>date +%s%N</c> prints it), each <see cref="Mark"/> writes <c>startup-timing PHASE MS</c>
/// (milliseconds since launch) to standard error. Without it, marks cost one static read.
/// </summary>
public static class StartupTimings
{
    /// <summary>The variable that turns the marks on.</summary>
    public const string Variable = "FERRY_STARTUP_TIMINGS";

    private static readonly long LaunchedAtTicks = ReadLaunch();

    /// <summary>True when marks are written.</summary>
    public static bool Enabled => LaunchedAtTicks > 0;

    /// <summary>Writes one phase's time since launch, when enabled.</summary>
    /// <param name="phase">A short name without spaces.</param>
    public static void Mark(string phase)
    {
        if (LaunchedAtTicks <= 0)
        {
            return;
        }

#pragma warning disable RS0030 // a benchmark's wall-clock mark against the launching shell's clock, not a time Ferry records
        var now = TimeProvider.System.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
#pragma warning restore RS0030
        var ms = (now - LaunchedAtTicks) / (double)TimeSpan.TicksPerMillisecond;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"startup-timing {phase} {ms:F1}"));
    }

    private static long ReadLaunch() =>
        long.TryParse(Environment.GetEnvironmentVariable(Variable), NumberStyles.None, CultureInfo.InvariantCulture, out var nanoseconds)
            ? nanoseconds / 100
            : 0;
}
