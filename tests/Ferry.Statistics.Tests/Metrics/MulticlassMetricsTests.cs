using Ferry.Statistics.Metrics;
using Xunit;

namespace Ferry.Statistics.Tests.Metrics;

public sealed class MulticlassMetricsTests
{
    [Fact]
    public void Metrics_MatchScikitLearn()
    {
        // w[i][j] = (i * 7 + j * 13) % 11; probs = w / w.sum(axis=1); yt = [(i * 5) % 4 ...] with 3 replaced by 2.
        // Class 3 only appears among the predictions, and some true classes have probability 0 (clipped).
        const int classes = 4;
        var probabilities = new double[30 * classes];
        var actual = new int[30];
        for (var i = 0; i < 30; i++)
        {
            var weights = Enumerable.Range(0, classes).Select(j => (double)(((i * 7) + (j * 13)) % 11)).ToArray();
            var sum = weights.Sum();
            for (var j = 0; j < classes; j++)
            {
                probabilities[(i * classes) + j] = weights[j] / sum;
            }

            actual[i] = Math.Min(i * 5 % 4, 2);
        }

        var metrics = MulticlassMetrics.Compute(actual, probabilities, classes);
        Approx.Equal(0.23333333333333334, metrics.Accuracy); // metrics.accuracy_score(yt, probs.argmax(1))
        Approx.Equal(0.30833333333333335, metrics.MacroPrecision); // precision_score(yt, pred, average='macro', zero_division=0)
        Approx.Equal(0.16517857142857142, metrics.MacroRecall); // recall_score(yt, pred, average='macro', zero_division=0)
        Approx.Equal(0.21263736263736266, metrics.MacroF1); // f1_score(yt, pred, average='macro', zero_division=0)
        Approx.Equal(4.85685743771873, metrics.LogLoss); // log_loss(yt, probs, labels=[0,1,2,3])
    }

    [Fact]
    public void TiesAndClipping_ByHand()
    {
        var metrics = MulticlassMetrics.Compute([0, 2, 1], [0.8, 0.1, 0.1, 0.0, 0.5, 0.5, 0.2, 0.7, 0.1], 3);
        // Row 2 ties 0.5/0.5: the first maximum (class 1) is predicted, so one of three is wrong.
        Approx.Equal(2.0 / 3, metrics.Accuracy, 1e-15);
        Approx.Equal(-(Math.Log(0.8) + Math.Log(0.5) + Math.Log(0.7)) / 3, metrics.LogLoss, 1e-15);
        Assert.Throws<ArgumentException>(() => MulticlassMetrics.Compute([3], [0.5, 0.5, 0.0], 3));
    }
}
