using Ferry.Statistics.Drift;
using Ferry.Statistics.Metrics;

namespace Ferry.Server.Pipelines.Promotion;

/// <summary>The numbers a ramp's guards are judged on: score drift, p99 latency and the realized metric.</summary>
public static class RampMeasures
{
    /// <summary>Bins of the score histograms drift compares.</summary>
    public const int DriftBins = 10;

    /// <summary>
    /// Jensen–Shannon distance (natural log) between two score samples' histograms over <see cref="DriftBins"/> equal bins
    /// spanning both samples' range (as <c>numpy.histogram</c> bins them, last bin closed):
    /// <c>scipy.spatial.distance.jensenshannon</c> of the two count vectors. 0 when both are one value; NaN when either is empty.
    /// </summary>
    public static double ScoreDrift(IReadOnlyList<double> challenger, IReadOnlyList<double> champion)
    {
        ArgumentNullException.ThrowIfNull(challenger);
        ArgumentNullException.ThrowIfNull(champion);
        if (challenger.Count == 0 || champion.Count == 0)
        {
            return double.NaN;
        }

        var low = Math.Min(challenger.Min(), champion.Min());
        var high = Math.Max(challenger.Max(), champion.Max());
        if (!(high > low))
        {
            return 0;
        }

        var edges = new double[DriftBins + 1];
        for (var i = 0; i <= DriftBins; i++)
        {
            edges[i] = low + ((high - low) * i / DriftBins);
        }

        return JensenShannon.Distance(Histogram(challenger, edges), Histogram(champion, edges));
    }

    /// <summary>The <paramref name="percent"/>th percentile with linear interpolation (<c>numpy.percentile</c>'s default); NaN when empty.</summary>
    public static double Percentile(IReadOnlyList<double> values, double percent)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = percent / 100.0 * (sorted.Length - 1);
        var below = (int)Math.Floor(rank);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + ((sorted[above] - sorted[below]) * (rank - below));
    }

    /// <summary>True for the metrics where lower is better.</summary>
    public static bool LowerIsBetter(string metric) => metric is "log_loss" or "brier" or "rmse" or "mae";

    /// <summary>
    /// A binary classifier's metric (<c>roc_auc</c>, <c>accuracy</c>, <c>f1</c>, <c>log_loss</c>, <c>brier</c>; anything
    /// else is read as <c>roc_auc</c>) on labelled rows, as scikit-learn 1.2 computes it.
    /// </summary>
    public static double Binary(string metric, ReadOnlySpan<bool> actual, ReadOnlySpan<double> score)
    {
        var computed = BinaryClassificationMetrics.Compute(actual, score);
        return metric switch
        {
            "accuracy" => computed.Accuracy,
            "f1" => computed.F1,
            "log_loss" => computed.LogLoss,
            "brier" => computed.Brier,
            _ => computed.RocAuc,
        };
    }

    /// <summary>A regressor's <c>rmse</c> or <c>mae</c> (anything else: <c>rmse</c>).</summary>
    public static double Regression(string metric, ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted)
    {
        var computed = RegressionMetrics.Compute(actual, predicted);
        return metric == "mae" ? computed.MeanAbsoluteError : computed.RootMeanSquaredError;
    }

    private static double[] Histogram(IReadOnlyList<double> values, double[] edges)
    {
        var counts = new double[edges.Length - 1];
        var low = edges[0];
        var high = edges[^1];
        foreach (var value in values)
        {
            var bin = (int)((value - low) / (high - low) * counts.Length);
            bin = Math.Clamp(bin, 0, counts.Length - 1);
            // numpy compares with the edges themselves; step back or forward where rounding put a value across one.
            if (bin > 0 && value < edges[bin])
            {
                bin--;
            }
            else if (bin < counts.Length - 1 && value >= edges[bin + 1])
            {
                bin++;
            }

            counts[bin]++;
        }

        return counts;
    }
}
