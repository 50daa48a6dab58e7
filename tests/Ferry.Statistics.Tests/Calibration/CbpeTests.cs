using Ferry.Statistics.Calibration;
using Ferry.Statistics.Metrics;
using Xunit;

namespace Ferry.Statistics.Tests.Calibration;

public sealed class CbpeTests
{
    private static readonly IsotonicCalibrator Identity = new([0.0, 1.0], [0.0, 1.0]);

    [Fact]
    public void ExpectedConfusionAndAuc_ByHand()
    {
        // p = score; predicted positive: 0.9, 0.8. TP = 1.7, FP = 0.3, FN = 0.3 + 0.1 = 0.4, TN = 0.7 + 0.9 = 1.6.
        var estimate = Cbpe.Estimate(Identity, [0.9, 0.3, 0.8, 0.1]);
        Approx.Equal(1.7, estimate.ExpectedConfusion.TruePositives, 1e-15);
        Approx.Equal(0.3, estimate.ExpectedConfusion.FalsePositives, 1e-15);
        Approx.Equal(0.4, estimate.ExpectedConfusion.FalseNegatives, 1e-15);
        Approx.Equal(1.6, estimate.ExpectedConfusion.TrueNegatives, 1e-15);
        Approx.Equal(3.3 / 4, estimate.Accuracy.Value, 1e-15);
        Approx.Equal(1.7 / 2.0, estimate.Precision.Value, 1e-15);
        Approx.Equal(1.7 / 2.1, estimate.Recall.Value, 1e-15);
        // Expected ROC points (FPR, TPR) after each score, descending: (0.1/1.9, 0.9/2.1), (0.3/1.9, 1.7/2.1),
        // (1.0/1.9, 2.0/2.1), (1, 1); trapezoids: [0.1·0.9 + 0.2·(0.9+1.7) + 0.7·(1.7+2.0) + 0.9·(2.0+2.1)] / (2·1.9·2.1).
        Approx.Equal(6.89 / 7.98, estimate.RocAuc.Value, 1e-14);
        Assert.Equal(4, estimate.Count);
    }

    [Fact]
    public void Band_IsValuePlusMinusKStandardErrors_Clipped()
    {
        var scores = Enumerable.Range(0, 400).Select(i => i * 37 % 401 / 401.0).ToArray();
        var estimate = Cbpe.Estimate(Identity, scores, bandWidthInStandardErrors: 2, draws: 100, seed: 3);
        foreach (var metric in new[] { estimate.Accuracy, estimate.Precision, estimate.Recall, estimate.F1, estimate.RocAuc })
        {
            Assert.True(metric.StandardError > 0);
            Approx.Equal(Math.Max(metric.Value - (2 * metric.StandardError), 0), metric.Lower, 1e-15);
            Approx.Equal(Math.Min(metric.Value + (2 * metric.StandardError), 1), metric.Upper, 1e-15);
        }

        // Same seed, same answer.
        Assert.Equal(estimate, Cbpe.Estimate(Identity, scores, bandWidthInStandardErrors: 2, draws: 100, seed: 3));
    }

    [Fact]
    public void RealisedMetrics_FallInsideBand_InNearlyEveryWindow()
    {
        // Calibrate on labels drawn from p(s) = s^1.5, then draw each window's labels from the calibrated
        // probabilities themselves, so CBPE's assumption holds; with k = 3 the band should almost always cover.
        var random = new Random(2024);
        var calibrationScores = Enumerable.Range(0, 5000).Select(_ => random.NextDouble()).ToArray();
        var calibrationLabels = calibrationScores.Select(s => random.NextDouble() < Math.Pow(s, 1.5)).ToArray();
        var calibrator = IsotonicCalibrator.Fit(calibrationScores, calibrationLabels);

        int accuracyCovered = 0, aucCovered = 0, f1Covered = 0;
        for (var window = 0; window < 100; window++)
        {
            var windowRandom = new Random(10_000 + window);
            var scores = Enumerable.Range(0, 1000).Select(_ => windowRandom.NextDouble()).ToArray();
            var labels = scores.Select(s => windowRandom.NextDouble() < calibrator.Calibrate(s)).ToArray();
            var estimate = Cbpe.Estimate(calibrator, scores, seed: window);
            var realised = BinaryClassificationMetrics.Compute(labels, scores);
            accuracyCovered += Covers(estimate.Accuracy, realised.Accuracy);
            aucCovered += Covers(estimate.RocAuc, realised.RocAuc);
            f1Covered += Covers(estimate.F1, realised.F1);
        }

        Assert.InRange(accuracyCovered, 95, 100);
        Assert.InRange(aucCovered, 95, 100);
        Assert.InRange(f1Covered, 95, 100);
    }

    private static int Covers(MetricEstimate estimate, double realised) => realised >= estimate.Lower && realised <= estimate.Upper ? 1 : 0;
}
