using System.Diagnostics;
using System.Diagnostics.Metrics;
using Ferry.Server.Serving;

namespace Ferry.Server.Oversight;

/// <summary>Review instruments on Ferry's meter (exported on <c>/metrics</c> as <c>ferry_prediction_reviews_total</c>).</summary>
public sealed class ReviewMetrics
{
    private readonly Counter<long> _reviews;

    /// <summary>Creates the instruments on the factory's <c>Ferry</c> meter.</summary>
    public ReviewMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _reviews = meters.Create(FerryTelemetry.SourceName).CreateCounter<long>("prediction_reviews_total", "{review}",
            "Human reviews of logged predictions by endpoint, model version and action (confirm, override, escalate).");
    }

    /// <summary>Counts one review.</summary>
    public void Reviewed(string endpoint, int version, string action) =>
        _reviews.Add(1, new TagList { { "endpoint", endpoint }, { "version", version }, { "action", action } });
}
