using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Ferry.Server.Serving;

/// <summary>Ferry's activity source and meter; the meter's instruments appear on <c>/metrics</c> and over OTLP.</summary>
public static class FerryTelemetry
{
    /// <summary>Name shared by the activity source and the meter.</summary>
    public const string SourceName = "Ferry";

    /// <summary>Traces Ferry's own operations.</summary>
    public static ActivitySource Activities { get; } = new(SourceName);

    /// <summary>Ferry's own metrics.</summary>
    public static Meter Meter { get; } = new(SourceName);
}
