using Prometheus;

namespace Ferry.Server.Serving;

/// <summary>
/// Starts prometheus-net's .NET-meter bridge when the host starts. prometheus-net only begins listening to meters at
/// the registry's first collection, so without this, counter increments made before the first scrape of
/// <c>/metrics</c> (predictions logged or refused, feedback received) would never be exported.
/// </summary>
public sealed class MeterExportStarter : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) =>
        Metrics.DefaultRegistry.CollectAndExportAsTextAsync(Stream.Null, cancellationToken);

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
