using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Ferry.Server.Serving;

/// <summary>Per-endpoint and per-version serving instruments on Ferry's meter (exported on <c>/metrics</c>).</summary>
public sealed class ServingMetrics
{
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _latency;
    private readonly Histogram<int> _rows;
    private readonly Histogram<double> _load;
    private readonly Counter<long> _shadowSkipped;
    private readonly Meter _meter;
    private readonly VersionOutcomes? _outcomes;

    /// <summary>Creates the instruments on the factory's <c>Ferry</c> meter; <paramref name="outcomes"/>, when given, also counts each request's outcome per version (canary ramps' error-rate guard).</summary>
    public ServingMetrics(IMeterFactory meters, VersionOutcomes? outcomes = null)
    {
        _outcomes = outcomes;
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(FerryTelemetry.SourceName);
        _meter = meter;
        _requests = meter.CreateCounter<long>("predict_requests_total", "{request}",
            "Prediction requests by endpoint, version and outcome (ok, invalid, unavailable, error, not_found).");
        _latency = meter.CreateHistogram<double>("predict_latency_seconds", "s", "Server-side prediction latency by endpoint and version.");
        _rows = meter.CreateHistogram<int>("predict_batch_rows", "{row}", "Rows per prediction request by endpoint and version.");
        _load = meter.CreateHistogram<double>("model_load_seconds", "s", "Time to load a model version into memory.");
        _shadowSkipped = meter.CreateCounter<long>("shadow_skipped_total", "{request}",
            "Shadow copies not scored because the shadow concurrency limit was reached, or the shadow failed.");
    }

    /// <summary>Counts one request and records its latency and row count.</summary>
    public void Request(string endpoint, int version, string outcome, double seconds, int rows)
    {
        var tags = new TagList { { "endpoint", endpoint }, { "version", version }, { "outcome", outcome } };
        _requests.Add(1, tags);
        _outcomes?.Record(endpoint, version, outcome);
        if (outcome == "ok")
        {
            var byVersion = new TagList { { "endpoint", endpoint }, { "version", version } };
            _latency.Record(seconds, byVersion);
            _rows.Record(rows, byVersion);
        }
    }

    /// <summary>
    /// Creates <c>ferry_endpoint_suspended{endpoint}</c>: 1 while an endpoint answers its fallback, else 0, for every
    /// endpoint whose policy this replica holds (<paramref name="observe"/> gives the measurements).
    /// </summary>
    public void ObserveSuspended(Func<IEnumerable<Measurement<int>>> observe) =>
        _meter.CreateObservableGauge("endpoint_suspended", observe, "{endpoint}", "1 while the endpoint is suspended (it answers its fallback, no model runs), else 0.");

    /// <summary>Records a model load.</summary>
    public void ModelLoaded(string model, int version, double seconds) =>
        _load.Record(seconds, new TagList { { "model", model }, { "version", version } });

    /// <summary>Counts a shadow copy that was not scored.</summary>
    public void ShadowSkipped(string endpoint) => _shadowSkipped.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint));
}
