using System.Text.Json.Serialization;
using Ferry.Statistics.Numerics;

namespace Ferry.Statistics.Calibration;

/// <summary>
/// Isotonic calibration of scores to probabilities, as scikit-learn 1.2's
/// <c>IsotonicRegression(increasing=True, y_min=0, y_max=1, out_of_bounds='clip')</c>: examples sorted by score then
/// label, scores closer than 1e-15 merged (their labels averaged), pool-adjacent-violators on the weighted means, the
/// result clipped to [0, 1], interior points of flat runs dropped. Calibrating clips the score to the fitted range and
/// interpolates linearly between thresholds (scipy's interp1d formula).
/// </summary>
public sealed class IsotonicCalibrator
{
    private const double MergeResolution = 1e-15;

    /// <summary>Restores a fitted calibrator from its thresholds and values.</summary>
    /// <exception cref="ArgumentException">Lengths differ, are empty, or thresholds are not increasing.</exception>
    [JsonConstructor]
    public IsotonicCalibrator(double[] thresholds, double[] values)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        ArgumentNullException.ThrowIfNull(values);
        if (thresholds.Length == 0 || thresholds.Length != values.Length)
        {
            throw new ArgumentException("Thresholds and values must be non-empty and of the same length.", nameof(values));
        }

        for (var i = 1; i < thresholds.Length; i++)
        {
            if (!(thresholds[i] > thresholds[i - 1]))
            {
                throw new ArgumentException("Thresholds must be strictly increasing.", nameof(thresholds));
            }
        }

        Thresholds = thresholds;
        Values = values;
    }

    /// <summary>Score thresholds, increasing (scikit-learn's X_thresholds_).</summary>
    public double[] Thresholds { get; }

    /// <summary>Calibrated probability at each threshold, non-decreasing (scikit-learn's y_thresholds_).</summary>
    public double[] Values { get; }

    /// <summary>Fits the calibrator.</summary>
    /// <exception cref="ArgumentException">Lengths differ, the input is empty, or a score is not finite.</exception>
    public static IsotonicCalibrator Fit(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels)
    {
        if (scores.Length != labels.Length || scores.IsEmpty)
        {
            throw new ArgumentException("Scores and labels must be non-empty and of the same length.", nameof(labels));
        }

        var order = new (double Score, double Label)[scores.Length];
        for (var i = 0; i < scores.Length; i++)
        {
            if (!double.IsFinite(scores[i]))
            {
                throw new ArgumentException("Scores must be finite.", nameof(scores));
            }

            order[i] = (scores[i], labels[i] ? 1.0 : 0.0);
        }

        Array.Sort(order, (a, b) => a.Score != b.Score ? a.Score.CompareTo(b.Score) : a.Label.CompareTo(b.Label));

        // Merge (nearly) equal scores into one weighted point, as scikit-learn's _make_unique.
        var x = new List<double>();
        var y = new List<double>();
        var w = new List<double>();
        var currentX = order[0].Score;
        double currentY = 0, currentWeight = 0;
        foreach (var (score, label) in order)
        {
            if (score - currentX >= MergeResolution)
            {
                x.Add(currentX);
                w.Add(currentWeight);
                y.Add(currentY / currentWeight);
                currentX = score;
                currentWeight = 1;
                currentY = label;
            }
            else
            {
                currentWeight += 1;
                currentY += label;
            }
        }

        x.Add(currentX);
        w.Add(currentWeight);
        y.Add(currentY / currentWeight);

        var fitted = PoolAdjacentViolators([.. y], [.. w]);
        for (var i = 0; i < fitted.Length; i++)
        {
            fitted[i] = Math.Clamp(fitted[i], 0.0, 1.0);
        }

        var keptX = new List<double>();
        var keptY = new List<double>();
        for (var i = 0; i < fitted.Length; i++)
        {
            var interior = i > 0 && i < fitted.Length - 1;
            if (!interior || fitted[i] != fitted[i - 1] || fitted[i] != fitted[i + 1])
            {
                keptX.Add(x[i]);
                keptY.Add(fitted[i]);
            }
        }

        return new IsotonicCalibrator([.. keptX], [.. keptY]);
    }

    /// <summary>The calibrated probability of a score (NaN for NaN).</summary>
    public double Calibrate(double score)
    {
        if (double.IsNaN(score))
        {
            return double.NaN;
        }

        if (Thresholds.Length == 1)
        {
            return Values[0];
        }

        var clipped = Math.Clamp(score, Thresholds[0], Thresholds[^1]);
        var hi = Math.Clamp(SortedSearch.LowerBound(Thresholds, clipped), 1, Thresholds.Length - 1);
        var lo = hi - 1;
        var slope = (Values[hi] - Values[lo]) / (Thresholds[hi] - Thresholds[lo]);
        return (slope * (clipped - Thresholds[lo])) + Values[lo];
    }

    /// <summary>Weighted pool-adjacent-violators for a non-decreasing fit (scikit-learn's in-place algorithm).</summary>
    private static double[] PoolAdjacentViolators(double[] y, double[] w)
    {
        var n = y.Length;
        var target = new int[n];
        for (var i = 0; i < n; i++)
        {
            target[i] = i;
        }

        var index = 0;
        while (index < n)
        {
            var k = target[index] + 1;
            if (k == n)
            {
                break;
            }

            if (y[index] < y[k])
            {
                index = k;
                continue;
            }

            var sumWy = w[index] * y[index];
            var sumW = w[index];
            while (true)
            {
                var previousY = y[k];
                sumWy += w[k] * y[k];
                sumW += w[k];
                k = target[k] + 1;
                if (k == n || previousY < y[k])
                {
                    y[index] = sumWy / sumW;
                    w[index] = sumW;
                    target[index] = k - 1;
                    target[k - 1] = index;
                    if (index > 0)
                    {
                        index = target[index - 1];
                    }

                    break;
                }
            }
        }

        index = 0;
        while (index < n)
        {
            var k = target[index] + 1;
            for (var j = index + 1; j < k; j++)
            {
                y[j] = y[index];
            }

            index = k;
        }

        return y;
    }
}
