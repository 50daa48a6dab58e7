namespace Ferry.Statistics.Metrics;

/// <summary>
/// A ROC curve as scikit-learn 1.2's <c>roc_curve(y, s)</c> computes it (<c>drop_intermediate=True</c>): one point per
/// distinct score (descending), collinear points dropped, (0, 0) prepended with threshold <c>max + 1</c>.
/// </summary>
/// <param name="FalsePositiveRates">x, ascending.</param>
/// <param name="TruePositiveRates">y, ascending.</param>
/// <param name="Thresholds">The score at or above which each point counts a row positive, descending.</param>
public sealed record RocPoints(double[] FalsePositiveRates, double[] TruePositiveRates, double[] Thresholds)
{
    /// <summary>Computes the curve; the rates are NaN when a class is absent (as scikit-learn's, with its warning).</summary>
    /// <exception cref="ArgumentException">Lengths differ, the input is empty or a score is NaN.</exception>
    public static RocPoints Compute(ReadOnlySpan<bool> actual, ReadOnlySpan<double> scores, bool dropIntermediate = true)
    {
        if (actual.Length != scores.Length || actual.Length == 0)
        {
            throw new ArgumentException("Labels and scores must have the same, non-zero length.", nameof(scores));
        }

        var order = new int[scores.Length];
        var keys = new double[scores.Length];
        for (var i = 0; i < order.Length; i++)
        {
            if (double.IsNaN(scores[i]))
            {
                throw new ArgumentException("Scores must not be NaN.", nameof(scores));
            }

            order[i] = i;
            keys[i] = -scores[i];
        }

        Array.Sort(keys, order); // descending scores; ties need no stable order: a tie group is one point

        var tps = new List<double>();
        var fps = new List<double>();
        var thresholds = new List<double>();
        double tp = 0, fp = 0;
        for (var k = 0; k < order.Length; k++)
        {
            if (actual[order[k]])
            {
                tp++;
            }
            else
            {
                fp++;
            }

            if (k == order.Length - 1 || keys[k + 1] != keys[k])
            {
                tps.Add(tp);
                fps.Add(fp);
                thresholds.Add(-keys[k]);
            }
        }

        var kept = Enumerable.Range(0, tps.Count).ToList();
        if (dropIntermediate && tps.Count > 2)
        {
            kept = [.. kept.Where(i => i == 0 || i == tps.Count - 1
                || (fps[i + 1] - (2 * fps[i]) + fps[i - 1]) != 0 || (tps[i + 1] - (2 * tps[i]) + tps[i - 1]) != 0)];
        }

        var n = kept.Count + 1;
        var fpr = new double[n];
        var tpr = new double[n];
        var cut = new double[n];
        cut[0] = thresholds[kept[0]] + 1;
        for (var j = 0; j < kept.Count; j++)
        {
            fpr[j + 1] = fps[kept[j]] / fp;
            tpr[j + 1] = tps[kept[j]] / tp;
            cut[j + 1] = thresholds[kept[j]];
        }

        fpr[0] = fp == 0 ? double.NaN : 0;
        tpr[0] = tp == 0 ? double.NaN : 0;
        return new RocPoints(fpr, tpr, cut);
    }
}
