using System.Globalization;
using Ferry.Statistics.Drift;

namespace Ferry.Core.Monitoring;

/// <summary>Says in words whether drift statistics are exact, and for approximate ones how far off they can be.</summary>
public static class DriftAccuracy
{
    /// <summary>One column: <c>exact</c>, or <c>approximate: D in [0.109, 0.148], p in [...]</c>, or why no bound is known.</summary>
    public static string Describe(ColumnDriftResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Skipped)
        {
            return "not tested";
        }

        if (result.Exact)
        {
            return "exact";
        }

        if (result.ErrorBound is not { ScoreLow: { } low, ScoreHigh: { } high } bound)
        {
            return "approximate, error bound not stated";
        }

        var symbol = result.Method == DriftMethod.KolmogorovSmirnov ? "D" : "score";
        var text = string.Create(CultureInfo.InvariantCulture, $"approximate: exact {symbol} in [{MonitorEvaluator.Format(low)}, {MonitorEvaluator.Format(high)}]");
        if (bound is { PValueLow: { } pLow, PValueHigh: { } pHigh })
        {
            text += string.Create(CultureInfo.InvariantCulture, $", p in [{MonitorEvaluator.Format(pLow)}, {MonitorEvaluator.Format(pHigh)}]");
        }

        return text;
    }

    /// <summary>The drift section: exact from how many logged rows, or approximate and why.</summary>
    public static string Summary(DriftSection drift)
    {
        ArgumentNullException.ThrowIfNull(drift);
        var text = drift.Statistics switch
        {
            "exact" => "Drift statistics: exact, computed from the raw values",
            "mixed" => "Drift statistics: exact where a column says so, approximate (from profiles) elsewhere",
            _ => "Drift statistics: approximate, computed from profiles, each with its error bound",
        };
        if (drift.ExactRows is { } rows)
        {
            text += string.Create(CultureInfo.InvariantCulture, $" ({rows:N0} logged rows against the full reference columns)");
        }

        return text + "." + (drift.Note is { } note ? " " + note : string.Empty);
    }
}
