using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Memory;

/// <summary>
/// Gives memory back to the operating system when the server goes quiet after load (see <see cref="IdleTrimPolicy"/>):
/// one blocking, compacting collection in <see cref="GCCollectionMode.Aggressive"/> mode, which decommits the free
/// space the GC kept from the burst, then glibc's <c>malloc_trim(0)</c>, which returns the native heap's free pages
/// (ONNX Runtime, SQLite). A garbage collection only runs when something allocates, so without this an idle server
/// keeps the peak of its last burst indefinitely. Costs one full collection per busy-to-idle transition, when idle.
/// </summary>
public sealed partial class IdleMemoryTrimmer(IOptions<MemoryOptions> options, TimeProvider clock, IMeterFactory meters, ILogger<IdleMemoryTrimmer> logger)
    : BackgroundService
{
    private readonly Counter<long> _trims = meters.Create("Ferry.Memory").CreateCounter<long>("memory_idle_trims",
        description: "Times memory was given back to the operating system after the server went quiet");

    /// <summary>Collects and trims now; returns the process's resident bytes before and after.</summary>
    public static (long Before, long After) TrimNow()
    {
        var before = ResidentBytes();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        TrimNativeHeap();
        return (before, ResidentBytes());
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.TrimWhenIdle)
        {
            return;
        }

        var policy = new IdleTrimPolicy(settings.QuietChecks, settings.QuietAllocationBytes);
        using var timer = new PeriodicTimer(settings.CheckInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (policy.Observe(GC.GetTotalAllocatedBytes(precise: false)))
                {
                    var (before, after) = TrimNow();
                    _trims.Add(1);
                    LogTrimmed(logger, before >> 20, after >> 20);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static long ResidentBytes()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    private static void TrimNativeHeap()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = NativeMethods.MallocTrim(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl has no malloc_trim): the managed heap was still compacted and decommitted.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Quiet after load: gave memory back to the operating system (resident {BeforeMb} MB -> {AfterMb} MB)")]
    private static partial void LogTrimmed(ILogger logger, long beforeMb, long afterMb);
}

/// <summary>glibc's allocator, for giving its free pages back.</summary>
internal static class NativeMethods
{
    // DllImport rather than LibraryImport: a blittable signature needs no marshalling, and LibraryImport would make
    // the whole project allow unsafe code.
    [DllImport("libc", EntryPoint = "malloc_trim", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    internal static extern int MallocTrim(nuint pad);
}
