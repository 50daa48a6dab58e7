using Ferry.Statistics.Metrics;
using Ferry.Statistics.Numerics;
using Xunit;

namespace Ferry.Statistics.Tests.Metrics;

/// <summary>
/// ROC curves, DeLong's test, the paired bootstrap and per-row metric terms. Expected values come from
/// gate_metric_values.py (scikit-learn 1.2); DeLong is checked against placement values counted pair by pair.
/// </summary>
public sealed class GateMetricsTests
{
    private const int N = 60;

    private static bool[] Labels() => [.. Enumerable.Range(0, N).Select(i => i * 7 % 3 == 0)];

    private static double[] A() => [.. Enumerable.Range(0, N).Select(i => i * 13 % 17 / 16.0)];

    private static double[] B() => [.. Enumerable.Range(0, N).Select(i => i * 5 % 11 / 10.0)];

    /// <summary>A score that follows the label: AUC well above ½, with ties.</summary>
    private static double[] Informative() => [.. Enumerable.Range(0, N).Select(i => (0.5 * (i * 13 % 17 / 16.0)) + (i * 7 % 3 == 0 ? 0.25 : 0))];

    [Fact]
    public void RocPoints_TiedScores_MatchScikitLearnRocCurve()
    {
        var a = RocPoints.Compute(Labels(), A());
        Approx.Equal([0.0, 0.05, 0.1, 0.25, 0.35, 0.4, 0.475, 0.575, 0.65, 0.7, 0.8, 0.95, 1.0], a.FalsePositiveRates);
        Approx.Equal([0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.45, 0.55, 0.6, 0.7, 0.8, 0.9, 1.0], a.TruePositiveRates);
        Approx.Equal([2.0, 1.0, 0.9375, 0.8125, 0.6875, 0.625, 0.5625, 0.4375, 0.375, 0.3125, 0.1875, 0.0625, 0.0], a.Thresholds);
        var all = RocPoints.Compute(Labels(), A(), dropIntermediate: false);
        Approx.Equal([0.0, 0.05, 0.1, 0.175, 0.25, 0.3, 0.35, 0.4, 0.475, 0.525, 0.575, 0.65, 0.7, 0.75, 0.8, 0.875, 0.95, 1.0], all.FalsePositiveRates);

        var b = RocPoints.Compute(Labels(), B());
        Approx.Equal([0.0, 0.1, 0.2, 0.275, 0.375, 0.45, 0.65, 0.75, 0.9, 1.0], b.FalsePositiveRates);
        Approx.Equal([0.0, 0.1, 0.2, 0.3, 0.35, 0.45, 0.65, 0.7, 0.9, 1.0], b.TruePositiveRates);
        Approx.Equal([2.0, 1.0, 0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.1, 0.0], b.Thresholds);
    }

    [Fact]
    public void RocPoints_Trapezoid_EqualsRocAucScore()
    {
        foreach (var (scores, expected) in new[] { (A(), 0.4775), (B(), 0.49374999999999997) })
        {
            var curve = RocPoints.Compute(Labels(), scores);
            var area = 0.0;
            for (var i = 1; i < curve.FalsePositiveRates.Length; i++)
            {
                area += (curve.FalsePositiveRates[i] - curve.FalsePositiveRates[i - 1]) * (curve.TruePositiveRates[i] + curve.TruePositiveRates[i - 1]) / 2;
            }

            Approx.Equal(expected, area, 1e-12);
        }
    }

    [Fact]
    public void RowTerms_Means_MatchScikitLearn()
    {
        var y = Labels();
        var a = A();
        var b = B();
        Approx.Equal(3.2020769406038547, RowTerms.LogLoss(y, a).Average(), 1e-12); // log_loss(y, a)
        Approx.Equal(4.322927833605793, RowTerms.LogLoss(y, b).Average(), 1e-12); // log_loss(y, b)
        Approx.Equal(0.35078125, RowTerms.Brier(y, a).Average(), 1e-12); // brier_score_loss(y, a)
        Approx.Equal(0.35783333333333334, RowTerms.Brier(y, b).Average(), 1e-12);
        Approx.Equal(0.48333333333333334, RowTerms.Accuracy(y, a).Average(), 1e-12); // accuracy_score(y, a >= 0.5)
        Approx.Equal(0.34249999999999997, RowTerms.AbsoluteError(a, b).Average(), 1e-12); // mean_absolute_error(a, b)
        Approx.Equal(0.4223816402259928, Math.Sqrt(RowTerms.SquaredError(a, b).Average()), 1e-12); // sqrt(mean_squared_error(a, b))
    }

    [Fact]
    public void DeLong_TiedScores_MatchesBruteForcePlacements()
    {
        var y = Labels();
        foreach (var (first, second) in new[] { (A(), B()), (Informative(), A()), (Informative(), Informative()) })
        {
            var comparison = DeLong.Compare(y, first, second);
            var (aucA, v10A, v01A) = BruteForce(y, first);
            var (aucB, v10B, v01B) = BruteForce(y, second);
            Approx.Equal(aucA, comparison.AucA, 1e-12);
            Approx.Equal(aucB, comparison.AucB, 1e-12);
            Approx.Equal((Cov(v10A, v10A) / v10A.Length) + (Cov(v01A, v01A) / v01A.Length), comparison.VarianceA, 1e-12);
            Approx.Equal((Cov(v10B, v10B) / v10B.Length) + (Cov(v01B, v01B) / v01B.Length), comparison.VarianceB, 1e-12);
            Approx.Equal((Cov(v10A, v10B) / v10A.Length) + (Cov(v01A, v01B) / v01A.Length), comparison.Covariance, 1e-12);
            Approx.Equal(comparison.VarianceA, DeLong.Estimate(y, first).Variance, 1e-12);
        }

        Approx.Equal(0.4775, DeLong.Estimate(y, A()).Auc, 1e-12); // roc_auc_score(y, a)
    }

    [Fact]
    public void DeLong_WorseCandidate_SmallPValueOnlyBeyondMargin()
    {
        var y = Labels();
        var comparison = DeLong.Compare(y, A(), Informative()); // candidate A (AUC 0.48) against an informative champion
        Assert.True(comparison.Difference < -0.3);
        var z = (comparison.Difference + 0.02) / Math.Sqrt(comparison.VarianceA + comparison.VarianceB - (2 * comparison.Covariance));
        Approx.Equal(SpecialFunctions.NormalSurvival(-z), comparison.WorseByMorePValue(0.02), 1e-12);
        Assert.True(comparison.WorseByMorePValue(0.02) < 0.001);
        Assert.True(comparison.WorseByMorePValue(1.0) > 0.99); // a margin wider than the gap: never rejected
        var same = DeLong.Compare(y, A(), A());
        Assert.Equal(0, same.StandardError);
        Assert.Equal(1, same.WorseByMorePValue(0));
    }

    [Fact]
    public void DeLongInterval_NinetyFivePercent_UsesNormalQuantile()
    {
        var estimate = DeLong.Estimate(Labels(), Informative());
        var (low, high) = estimate.Interval();
        Approx.Equal(1.959963984540054 * Math.Sqrt(estimate.Variance), high - estimate.Auc, 1e-12); // scipy.stats.norm.ppf(0.975)
        Approx.Equal(high - estimate.Auc, estimate.Auc - low, 1e-12);
        Approx.Equal(-2.3263478740408408, NormalQuantile.Lower(0.01), 1e-12); // scipy.stats.norm.ppf(0.01)
        Approx.Equal(-4.753424308822899, NormalQuantile.Lower(1e-6), 1e-12); // scipy.stats.norm.ppf(1e-6)
    }

    [Fact]
    public void PairedBootstrap_SameSeed_SameAnswerAndCountsByHand()
    {
        var y = Labels();
        var candidate = RowTerms.Brier(y, A());
        var champion = RowTerms.Brier(y, Informative());
        var first = PairedBootstrap.Compare(candidate, champion, v => v, higherIsBetter: false, margin: 0.01, resamples: 500, seed: 7);
        var again = PairedBootstrap.Compare(candidate, champion, v => v, higherIsBetter: false, margin: 0.01, resamples: 500, seed: 7);
        Assert.Equal(first, again);

        // The same resamples drawn by hand: the p-value is (1 + resamples not worse by more than the margin) / (1 + resamples).
        var random = new SplitMix64(7);
        var notWorse = 0;
        for (var b = 0; b < 500; b++)
        {
            double c = 0, h = 0;
            for (var k = 0; k < N; k++)
            {
                var i = (int)(random.NextDouble() * N);
                c += candidate[i];
                h += champion[i];
            }

            notWorse += -((c / N) - (h / N)) >= -0.01 ? 1 : 0;
        }

        Approx.Equal((1.0 + notWorse) / 501, first.PValue, 1e-15);
        Approx.Equal(candidate.Average(), first.Candidate, 1e-12);
        Approx.Equal(-(candidate.Average() - champion.Average()), first.Difference, 1e-12);
        Assert.True(first.PValue < 0.05); // A's Brier is far worse than the informative score's
        Assert.True(first.CandidateLow < first.Candidate && first.Candidate < first.CandidateHigh);
    }

    [Fact]
    public void PairedBootstrap_IdenticalModels_NeverRejects()
    {
        var terms = RowTerms.LogLoss(Labels(), A());
        var result = PairedBootstrap.Compare(terms, terms, v => v, higherIsBetter: false, margin: 0);
        Assert.Equal(1.0, result.PValue);
        Assert.Equal(0.0, result.Difference);
        Assert.Equal(PairedBootstrap.DefaultResamples, result.Resamples);
        var (low, high) = PairedBootstrap.Interval(terms, v => v);
        Assert.Equal(result.CandidateLow, low);
        Assert.Equal(result.CandidateHigh, high);
    }

    /// <summary>AUC and placement values by comparing every positive with every negative (ties ½).</summary>
    private static (double Auc, double[] V10, double[] V01) BruteForce(bool[] y, double[] s)
    {
        var positives = Enumerable.Range(0, y.Length).Where(i => y[i]).Select(i => s[i]).ToArray();
        var negatives = Enumerable.Range(0, y.Length).Where(i => !y[i]).Select(i => s[i]).ToArray();
        static double Psi(double x, double z) => x > z ? 1 : x == z ? 0.5 : 0;
        var v10 = positives.Select(x => negatives.Sum(z => Psi(x, z)) / negatives.Length).ToArray();
        var v01 = negatives.Select(z => positives.Sum(x => Psi(x, z)) / positives.Length).ToArray();
        return (v10.Average(), v10, v01);
    }

    private static double Cov(double[] x, double[] z)
    {
        double mx = x.Average(), mz = z.Average();
        return x.Zip(z, (p, q) => (p - mx) * (q - mz)).Sum() / (x.Length - 1);
    }
}
