using Ferry.Statistics.Numerics;

namespace Ferry.Statistics.Metrics;

/// <summary>A paired bootstrap of challenger − champion on one metric, oriented so that a positive difference is better.</summary>
/// <param name="Challenger">The challenger's metric on all rows.</param>
/// <param name="Champion">The champion's metric on all rows.</param>
/// <param name="Difference">Challenger − champion on all rows (champion − challenger for metrics where lower is better).</param>
/// <param name="Low">The percentile interval's lower bound of the difference.</param>
/// <param name="High">Its upper bound.</param>
/// <param name="PValue">Two-sided bootstrap p-value of H0 "no difference": min(1, 2 min((1 + #d* ≤ 0), (1 + #d* ≥ 0)) / (1 + B)).</param>
/// <param name="Resamples">Resamples drawn.</param>
/// <param name="Used">Resamples where both metrics were defined (e.g. both classes drawn, for AUC).</param>
/// <param name="Confidence">The interval's level.</param>
/// <param name="Seed">The generator's seed.</param>
public sealed record DifferenceInterval(
    double Challenger, double Champion, double Difference, double Low, double High, double PValue, int Resamples, int Used, double Confidence, ulong Seed);

/// <summary>
/// The paired bootstrap of any metric: each resample draws n row indexes with replacement (SplitMix64 seeded with the
/// given seed, so the same rows and seed give the same interval on every machine), measures both models on the same
/// resampled rows, and keeps the oriented difference. Resamples where a metric is undefined (NaN) are left out. The
/// interval is the percentile one (numpy's linear percentile) at (1 − confidence) / 2 and (1 + confidence) / 2.
/// </summary>
public static class PairedDifference
{
    /// <summary>Bootstraps challenger − champion.</summary>
    /// <param name="rows">How many rows the metrics are defined on.</param>
    /// <param name="challenger">The challenger's metric on the rows an index array names (with repeats).</param>
    /// <param name="champion">The champion's metric on the same rows.</param>
    /// <param name="higherIsBetter">True for AUC, accuracy, F1; false for losses and errors.</param>
    /// <param name="resamples">Resamples to draw (≥ 1).</param>
    /// <param name="confidence">The interval's level, in (0, 1).</param>
    /// <param name="seed">The generator's seed.</param>
    /// <exception cref="ArgumentException">No rows.</exception>
    public static DifferenceInterval Bootstrap(
        int rows, Func<int[], double> challenger, Func<int[], double> champion, bool higherIsBetter, int resamples, double confidence, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(challenger);
        ArgumentNullException.ThrowIfNull(champion);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 1);
        if (!(confidence > 0 && confidence < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "The confidence must lie in (0, 1).");
        }

        var sign = higherIsBetter ? 1.0 : -1.0;
        var all = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            all[i] = i;
        }

        var fullChallenger = challenger(all);
        var fullChampion = champion(all);
        var random = new SplitMix64(seed);
        var differences = new List<double>(resamples);
        var indexes = new int[rows];
        int atOrBelow = 0, atOrAbove = 0;
        for (var b = 0; b < resamples; b++)
        {
            for (var k = 0; k < rows; k++)
            {
                indexes[k] = (int)(random.NextDouble() * rows);
            }

            var d = sign * (challenger(indexes) - champion(indexes));
            if (double.IsNaN(d))
            {
                continue;
            }

            differences.Add(d);
            atOrBelow += d <= 0 ? 1 : 0;
            atOrAbove += d >= 0 ? 1 : 0;
        }

        var sorted = differences.ToArray();
        Array.Sort(sorted);
        var tail = (1 - confidence) / 2;
        var p = Math.Min(1, 2 * Math.Min(1.0 + atOrBelow, 1.0 + atOrAbove) / (1.0 + sorted.Length));
        return new DifferenceInterval(
            fullChallenger,
            fullChampion,
            sign * (fullChallenger - fullChampion),
            sorted.Length == 0 ? double.NaN : Percentile(sorted, tail),
            sorted.Length == 0 ? double.NaN : Percentile(sorted, 1 - tail),
            p,
            resamples,
            sorted.Length,
            confidence,
            seed);
    }

    /// <summary>numpy's default (linear) percentile of sorted values.</summary>
    internal static double Percentile(double[] sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var low = (int)Math.Floor(position);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((position - low) * (sorted[high] - sorted[low]));
    }
}
