using Ferry.Statistics.Metrics;
using Ferry.Statistics.Numerics;

namespace Ferry.Statistics.Calibration;

/// <summary>
/// Confidence-based performance estimation (CBPE, as in NannyML) for a binary classifier without labels: each score is
/// calibrated to a probability pᵢ of the positive class, and metrics are estimated from those probabilities.
/// </summary>
/// <remarks>
/// <para>Predicted positive when the raw score ≥ threshold. Expected confusion: TP = Σ_{pred+} pᵢ,
/// FP = Σ_{pred+} (1 − pᵢ), FN = Σ_{pred−} pᵢ, TN = Σ_{pred−} (1 − pᵢ); accuracy, precision, recall and F1 are those of
/// the expected matrix.</para>
/// <para>Expected ROC AUC follows NannyML: for every threshold over the scores, expected TPR = Σ_{score ≥ t} pᵢ / Σ pᵢ
/// and expected FPR = Σ_{score ≥ t} (1 − pᵢ) / Σ (1 − pᵢ); the area under that curve by the trapezoid rule, closed at
/// (0, 0) and (1, 1). Tied raw scores form one step. (Because calibration is monotone this equals NannyML's curve over
/// calibrated thresholds, which in addition omits the segment from (0, 0) to its first point.)</para>
/// <para>Standard errors are Monte Carlo: labels yᵢ ~ Bernoulli(pᵢ) are drawn <c>draws</c> times from a seeded
/// generator, each metric is computed on the realised labels with the same predictions, and the standard error is
/// the sample standard deviation (ddof = 1) of those values (draws where a metric is undefined, such as AUC with one
/// class, are left out). The band is value ± k · SE, clipped to [0, 1].</para>
/// </remarks>
public static class Cbpe
{
    /// <summary>Estimates performance on a window of scores.</summary>
    /// <exception cref="ArgumentException">The window is empty or a score is NaN.</exception>
    /// <exception cref="ArgumentOutOfRangeException">draws &lt; 2 or the band width is negative.</exception>
    public static CbpeEstimate Estimate(
        IsotonicCalibrator calibrator,
        ReadOnlySpan<double> scores,
        double threshold = 0.5,
        double bandWidthInStandardErrors = 3,
        int draws = 200,
        int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(calibrator);
        ArgumentOutOfRangeException.ThrowIfLessThan(draws, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(bandWidthInStandardErrors);
        if (scores.IsEmpty)
        {
            throw new ArgumentException("At least one score is needed.", nameof(scores));
        }

        var n = scores.Length;
        var probabilities = new double[n];
        var predicted = new bool[n];
        double tp = 0, fp = 0, tn = 0, fn = 0;
        for (var i = 0; i < n; i++)
        {
            if (double.IsNaN(scores[i]))
            {
                throw new ArgumentException("Scores must not be NaN.", nameof(scores));
            }

            var p = calibrator.Calibrate(scores[i]);
            probabilities[i] = p;
            predicted[i] = scores[i] >= threshold;
            if (predicted[i])
            {
                tp += p;
                fp += 1 - p;
            }
            else
            {
                fn += p;
                tn += 1 - p;
            }
        }

        var expected = new ConfusionMatrix(tp, fp, tn, fn);
        var expectedAuc = ExpectedRocAuc(scores, probabilities);
        var spread = SimulateStandardErrors(scores, probabilities, predicted, draws, seed);
        var k = bandWidthInStandardErrors;
        return new CbpeEstimate(
            n,
            expected,
            Band(expected.Accuracy, spread.Accuracy, k),
            Band(expected.Precision, spread.Precision, k),
            Band(expected.Recall, spread.Recall, k),
            Band(expected.F1, spread.F1, k),
            Band(expectedAuc, spread.RocAuc, k));
    }

    /// <summary>Expected ROC AUC of <paramref name="scores"/> when label i is positive with probability pᵢ.</summary>
    internal static double ExpectedRocAuc(ReadOnlySpan<double> scores, ReadOnlySpan<double> probabilities)
    {
        var order = new int[scores.Length];
        var keys = new double[scores.Length];
        double positives = 0, negatives = 0;
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
            keys[i] = -scores[i];
            positives += probabilities[i];
            negatives += 1 - probabilities[i];
        }

        if (positives <= 0 || negatives <= 0)
        {
            return double.NaN;
        }

        Array.Sort(keys, order);
        double truePositives = 0, falsePositives = 0, previousTpr = 0, previousFpr = 0, area = 0;
        var start = 0;
        while (start < order.Length)
        {
            var end = start;
            while (end + 1 < order.Length && keys[end + 1] == keys[start])
            {
                end++;
            }

            for (var i = start; i <= end; i++)
            {
                truePositives += probabilities[order[i]];
                falsePositives += 1 - probabilities[order[i]];
            }

            var tpr = truePositives / positives;
            var fpr = falsePositives / negatives;
            area += (fpr - previousFpr) * (tpr + previousTpr) / 2;
            (previousTpr, previousFpr) = (tpr, fpr);
            start = end + 1;
        }

        return area;
    }

    private static (double Accuracy, double Precision, double Recall, double F1, double RocAuc) SimulateStandardErrors(
        ReadOnlySpan<double> scores, double[] probabilities, bool[] predicted, int draws, int seed)
    {
        var random = new SplitMix64(unchecked((ulong)seed * 0x2545F4914F6CDD1DUL) ^ 0x5DEECE66DUL);
        var auc = new RankAuc(scores);
        var labels = new bool[probabilities.Length];
        var accuracy = new List<double>(draws);
        var precision = new List<double>(draws);
        var recall = new List<double>(draws);
        var f1 = new List<double>(draws);
        var rocAuc = new List<double>(draws);
        for (var draw = 0; draw < draws; draw++)
        {
            double tp = 0, fp = 0, tn = 0, fn = 0;
            for (var i = 0; i < labels.Length; i++)
            {
                var positive = random.NextDouble() < probabilities[i];
                labels[i] = positive;
                if (predicted[i])
                {
                    if (positive)
                    {
                        tp++;
                    }
                    else
                    {
                        fp++;
                    }
                }
                else if (positive)
                {
                    fn++;
                }
                else
                {
                    tn++;
                }
            }

            var realised = new ConfusionMatrix(tp, fp, tn, fn);
            accuracy.Add(realised.Accuracy);
            precision.Add(realised.Precision);
            recall.Add(realised.Recall);
            f1.Add(realised.F1);
            rocAuc.Add(auc.Compute(labels));
        }

        return (SampleDeviation(accuracy), SampleDeviation(precision), SampleDeviation(recall), SampleDeviation(f1), SampleDeviation(rocAuc));
    }

    private static double SampleDeviation(List<double> values)
    {
        var defined = values.Where(v => !double.IsNaN(v)).ToArray();
        if (defined.Length < 2)
        {
            return double.NaN;
        }

        var mean = defined.Average();
        var squares = defined.Sum(v => (v - mean) * (v - mean));
        return Math.Sqrt(squares / (defined.Length - 1));
    }

    private static MetricEstimate Band(double value, double standardError, double k)
    {
        if (double.IsNaN(value) || double.IsNaN(standardError))
        {
            return new MetricEstimate(value, standardError, double.NaN, double.NaN);
        }

        return new MetricEstimate(value, standardError, Math.Clamp(value - (k * standardError), 0, 1), Math.Clamp(value + (k * standardError), 0, 1));
    }
}
