using System.Diagnostics.Metrics;

namespace Ferry.Server.Serving;

/// <summary>
/// The prediction log's and feedback's instruments on Ferry's meter (exported on <c>/metrics</c>). All counts are
/// in records. The meter comes from the host's <see cref="IMeterFactory"/>, so its instruments end with the host.
/// prometheus-net prefixes an instrument's name with its meter's, so <c>/metrics</c> shows
/// <c>ferry_prediction_log_queued</c>, <c>ferry_prediction_log_written_total</c>, <c>ferry_prediction_log_rejected_total</c>,
/// <c>ferry_prediction_log_dropped_total</c>, <c>ferry_prediction_log_queue_depth</c> and <c>ferry_feedback_received_total</c>.
/// </summary>
public sealed class PredictionLogMetrics
{
    private readonly Counter<long> _queued;
    private readonly Counter<long> _written;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _feedback;

    /// <summary>Creates the instruments on the factory's <c>Ferry</c> meter.</summary>
    public PredictionLogMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        Meter = meters.Create(FerryTelemetry.SourceName);
        _queued = Meter.CreateCounter<long>("prediction_log_queued", "{record}", "Predictions accepted into the log's buffer.");
        _written = Meter.CreateCounter<long>("prediction_log_written_total", "{record}", "Predictions written to the database.");
        _rejected = Meter.CreateCounter<long>("prediction_log_rejected_total", "{record}",
            "Predictions refused because the buffer stayed full (their requests failed with 503; no ids were returned).");
        _dropped = Meter.CreateCounter<long>("prediction_log_dropped_total", "{record}",
            "Accepted predictions that could not be written (database failing past every retry, or shutdown timeout).");
        _feedback = Meter.CreateCounter<long>("feedback_received_total", "{record}", "Feedback records stored (ground truth per prediction).");
    }

    /// <summary>The meter the instruments live on (the queue-depth gauge is added by <see cref="PredictionLog"/>).</summary>
    public Meter Meter { get; }

    /// <summary>Counts records accepted into the buffer.</summary>
    public void Queued(int records) => _queued.Add(records);

    /// <summary>Counts records written.</summary>
    public void Written(int records) => _written.Add(records);

    /// <summary>Counts records refused at the door.</summary>
    public void Rejected(int records) => _rejected.Add(records);

    /// <summary>Counts accepted records that were never written.</summary>
    public void Dropped(long records) => _dropped.Add(records);

    /// <summary>Counts feedback records stored.</summary>
    public void FeedbackReceived(int records) => _feedback.Add(records);
}
