using System.Diagnostics.Metrics;
using Prometheus;

namespace Ferry.Server.Hosting;

/// <summary>
/// Which .NET meters <c>/metrics</c> exports. HTTP requests are counted once, by prometheus-net's middleware
/// (<c>http_request_duration_seconds</c>, <c>http_requests_received_total</c>), so ASP.NET Core's per-request meters
/// (hosting, routing, authentication, authorization) are not bridged a second time. Nor are Kestrel's buffer-pool
/// counters (a measurement per block rented or returned), nor the EventCounters that the <c>System.Runtime</c> meter
/// already covers. Each of those costs every request measurements; see docs/benchmarks.md (serving).
/// </summary>
public static class MetricsExport
{
    private static readonly string[] PerRequestMeters =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Authentication",
        "Microsoft.AspNetCore.Authorization",
        "Microsoft.AspNetCore.RateLimiting", // refusals are counted by Ferry's rate_limited_requests_total
        // Kestrel's buffer pool counts every block rented and returned (several per request): bridged, it was ~11 % of a
        // no-op request's server CPU (docs/benchmarks.md). The process's memory is exported by the runtime's meter.
        "Microsoft.AspNetCore.MemoryPool",
        "System.Buffers.PinnedBlockMemoryPool",
    ];

    private static int _configured;

    /// <summary>Applies the choice to prometheus-net's default registry (once per process, before its first collection).</summary>
    public static void Configure()
    {
        if (Interlocked.Exchange(ref _configured, 1) == 1)
        {
            return;
        }

        Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions { SuppressEventCounters = true });
        Metrics.ConfigureMeterAdapter(adapter => adapter.InstrumentFilterPredicate = Exported);
    }

    /// <summary>Whether an instrument is exported.</summary>
    public static bool Exported(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        return !PerRequestMeters.Contains(instrument.Meter.Name, StringComparer.Ordinal);
    }
}
