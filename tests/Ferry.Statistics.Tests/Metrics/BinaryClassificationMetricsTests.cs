using Ferry.Statistics.Metrics;
using Xunit;

namespace Ferry.Statistics.Tests.Metrics;

public sealed class BinaryClassificationMetricsTests
{
    // y = [(i * 7) % 3 == 0 for i in range(40)]; s = [((i * 13) % 17) / 16 ...] with s[0] = 0, s[1] = s[5] = 1 (ties at 1).
    private static (bool[] Labels, double[] Scores) Data()
    {
        var labels = Enumerable.Range(0, 40).Select(i => i * 7 % 3 == 0).ToArray();
        var scores = Enumerable.Range(0, 40).Select(i => i * 13 % 17 / 16.0).ToArray();
        scores[0] = 0.0;
        scores[1] = 1.0;
        scores[5] = 1.0;
        return (labels, scores);
    }

    [Fact]
    public void Metrics_MatchScikitLearn()
    {
        var (labels, scores) = Data();
        var metrics = BinaryClassificationMetrics.Compute(labels, scores);
        Approx.Equal(0.525, metrics.Accuracy); // metrics.accuracy_score(y, s >= 0.5)
        Approx.Equal(0.38095238095238093, metrics.Precision); // metrics.precision_score(y, s >= 0.5)
        Approx.Equal(0.5714285714285714, metrics.Recall); // metrics.recall_score(y, s >= 0.5)
        Approx.Equal(0.4571428571428571, metrics.F1); // metrics.f1_score(y, s >= 0.5)
        Approx.Equal(0.5192307692307693, metrics.RocAuc); // metrics.roc_auc_score(y, s)
        Approx.Equal(4.293025767776889, metrics.LogLoss); // metrics.log_loss(y, s)
        Approx.Equal(0.34326171875, metrics.Brier); // metrics.brier_score_loss(y, s)
        Assert.Equal(40, metrics.Count);
        Assert.Equal(labels.Count(l => l), metrics.Positives);

        var lower = BinaryClassificationMetrics.Compute(labels, scores, threshold: 0.3);
        Approx.Equal(0.4761904761904762, lower.F1); // metrics.f1_score(y, s >= 0.3)
        Approx.Equal(0.35714285714285715, lower.Precision); // metrics.precision_score(y, s >= 0.3)
    }

    [Fact]
    public void Metrics_ByHand()
    {
        // Perfect ranking: AUC 1; a single class: AUC NaN; no predicted positives: precision 0 (zero_division = 0).
        var perfect = BinaryClassificationMetrics.Compute([false, false, true, true], [0.1, 0.2, 0.8, 0.9]);
        Assert.Equal(1.0, perfect.RocAuc);
        Assert.Equal(new ConfusionMatrix(2, 0, 2, 0), perfect.Confusion);
        Approx.Equal(-(Math.Log(0.9) + Math.Log(0.8) + Math.Log(0.8) + Math.Log(0.9)) / 4, perfect.LogLoss, 1e-15);
        Assert.True(double.IsNaN(BinaryClassificationMetrics.Compute([true, true], [0.2, 0.9]).RocAuc));
        var none = BinaryClassificationMetrics.Compute([true, false], [0.1, 0.2]);
        Assert.Equal(0.0, none.Precision);
        Assert.Equal(0.0, none.F1);
        // All scores tied: AUC 0.5.
        Assert.Equal(0.5, BinaryClassificationMetrics.Compute([true, false, true], [0.3, 0.3, 0.3]).RocAuc);
    }

    [Fact]
    public void ConfusionMatrixRatios_ByHand()
    {
        var confusion = new ConfusionMatrix(3, 1, 4, 2);
        Assert.Equal(0.7, confusion.Accuracy);
        Assert.Equal(0.75, confusion.Precision);
        Assert.Equal(0.6, confusion.Recall);
        Approx.Equal(2 * 0.75 * 0.6 / 1.35, confusion.F1, 1e-15);
        Assert.Equal(0.0, new ConfusionMatrix(0, 0, 0, 0).F1);
    }
}
