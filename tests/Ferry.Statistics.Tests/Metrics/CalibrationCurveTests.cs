using Ferry.Statistics.Metrics;
using Xunit;

namespace Ferry.Statistics.Tests.Metrics;

public sealed class CalibrationCurveTests
{
    // y2 = [(i * 5) % 4 != 0 for i in range(50)]; s2 = [((i * 11) % 21) / 20 for i in range(50)]
    private static readonly bool[] Labels = [.. Enumerable.Range(0, 50).Select(i => i * 5 % 4 != 0)];
    private static readonly double[] Scores = [.. Enumerable.Range(0, 50).Select(i => i * 11 % 21 / 20.0)];

    [Fact]
    public void Curve_MatchesScikitLearn_UniformStrategy()
    {
        // calibration_curve(y2, s2, n_bins=10, strategy='uniform')
        var bins = CalibrationCurve.Compute(Labels, Scores);
        Approx.Equal(
            [0.6666666666666666, 0.6, 0.75, 0.75, 0.75, 0.8333333333333334, 0.8333333333333334, 0.75, 0.75, 0.75],
            [.. bins.Select(b => b.FractionPositive)]);
        Approx.Equal(
            [0.05000000000000001, 0.16999999999999998, 0.275, 0.375, 0.475, 0.575, 0.6749999999999999, 0.7749999999999999, 0.875, 0.975],
            [.. bins.Select(b => b.MeanPredicted)]);
        Assert.Equal(50, bins.Sum(b => b.Count));
    }

    [Fact]
    public void EmptyBins_AreDropped()
    {
        // calibration_curve(y2, s2 * 0.55, n_bins=5, strategy='uniform')
        var scaled = Scores.Select(s => s * 0.55).ToArray();
        var bins = CalibrationCurve.Compute(Labels, scaled, bins: 5);
        Approx.Equal([0.7, 0.7777777777777778, 0.75], [.. bins.Select(b => b.FractionPositive)]);
        Approx.Equal([0.08525, 0.31166666666666676, 0.48125], [.. bins.Select(b => b.MeanPredicted)]);
    }

    [Fact]
    public void ScoresOutsideUnitInterval_AreRejected() =>
        Assert.Throws<ArgumentException>(() => CalibrationCurve.Compute([true], [1.5]));
}
