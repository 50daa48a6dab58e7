using Ferry.Statistics.Numerics;

namespace Ferry.Statistics.Metrics;

/// <summary>
/// Calibration curve with uniform bins, <c>sklearn.calibration.calibration_curve(y, score, n_bins, strategy='uniform')</c>:
/// edges i / bins (computed as numpy's linspace does), a score equal to an interior edge goes to the lower bin, and
/// empty bins are dropped.
/// </summary>
public static class CalibrationCurve
{
    /// <summary>Non-empty bins in ascending order.</summary>
    /// <exception cref="ArgumentException">Lengths differ or a score lies outside [0, 1].</exception>
    public static IReadOnlyList<CalibrationBin> Compute(ReadOnlySpan<bool> actual, ReadOnlySpan<double> score, int bins = 10)
    {
        if (actual.Length != score.Length)
        {
            throw new ArgumentException("Labels and scores must have the same length.", nameof(score));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var step = 1.0 / bins;
        var interiorEdges = new double[bins - 1];
        for (var i = 1; i < bins; i++)
        {
            interiorEdges[i - 1] = (i * step) + 0.0;
        }

        var sums = new double[bins];
        var positives = new double[bins];
        var totals = new long[bins];
        for (var i = 0; i < score.Length; i++)
        {
            var value = score[i];
            if (!(value >= 0 && value <= 1))
            {
                throw new ArgumentException("Scores must lie in [0, 1].", nameof(score));
            }

            var bin = SortedSearch.LowerBound(interiorEdges, value);
            sums[bin] += value;
            positives[bin] += actual[i] ? 1 : 0;
            totals[bin]++;
        }

        var result = new List<CalibrationBin>(bins);
        for (var bin = 0; bin < bins; bin++)
        {
            if (totals[bin] > 0)
            {
                result.Add(new CalibrationBin(sums[bin] / totals[bin], positives[bin] / totals[bin], totals[bin]));
            }
        }

        return result;
    }
}
