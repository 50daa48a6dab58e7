using Ferry.Core.Monitoring;
using Ferry.Core.Serving;

namespace Ferry.Core.Dashboard;

/// <summary>Port: read-only queries behind the web dashboard's charts (one endpoint, one time window at a time).</summary>
public interface IDashboardReadModel
{
    /// <summary>Time and latency of the predictions the endpoint served in [<paramref name="from"/>, <paramref name="until"/>), newest first (a capped number).</summary>
    Task<IReadOnlyList<ServedRow>> ServedAsync(string endpoint, long from, long until, CancellationToken cancellationToken = default);

    /// <summary>Predictions served in [<paramref name="from"/>, <paramref name="until"/>) whose ground truth has arrived, with it, newest first (a capped number).</summary>
    Task<IReadOnlyList<LabelledRow>> LabelledAsync(string endpoint, long from, long until, CancellationToken cancellationToken = default);

    /// <summary>The endpoint's latest predictions, newest first.</summary>
    Task<IReadOnlyList<PredictionRecord>> LatestAsync(string endpoint, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every profile bucket of the endpoint (all versions and replicas) starting in [<paramref name="from"/>, <paramref name="until"/>), as typed profiles; a
    /// bucket whose stored profile cannot be read is left out.
    /// </summary>
    Task<IReadOnlyList<BucketProfile>> BucketsAsync(string endpoint, long from, long until, CancellationToken cancellationToken = default);

    /// <summary>A monitor's latest reports by window end, oldest first.</summary>
    Task<IReadOnlyList<MonitorReport>> ReportsAsync(string monitor, int limit, CancellationToken cancellationToken = default);
}
