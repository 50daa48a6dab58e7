using Ferry.Statistics.Metrics;

namespace Ferry.Server.Pipelines.Evaluation;

/// <summary>
/// The metrics a challenger evaluation computes on index sets of the rows (so the bootstrap can resample them), their
/// orientation and their paired test. Binary classifiers: <c>roc_auc</c>, <c>accuracy</c>, <c>f1</c>, <c>log_loss</c>,
/// <c>brier</c> (a positive decision is a score at or above the decision threshold); regressors: <c>rmse</c>, <c>mae</c>.
/// Definitions are scikit-learn 1.2's (log loss clips scores to [ε, 1 − ε]).
/// </summary>
public static class EvaluationMetrics
{
    /// <summary>The binary classifiers' metrics, in table order.</summary>
    public static IReadOnlyList<string> Binary { get; } = ["roc_auc", "accuracy", "f1", "log_loss", "brier"];

    /// <summary>The regressors' metrics, in table order.</summary>
    public static IReadOnlyList<string> Regression { get; } = ["rmse", "mae"];

    private const double Epsilon = 2.220446049250313e-16;

    /// <summary>True for metrics where more is better.</summary>
    public static bool HigherIsBetter(string metric) => metric is "roc_auc" or "accuracy" or "f1";

    /// <summary>The paired test of a metric: <c>delong</c> for ROC AUC, <c>mcnemar</c> for accuracy, else <c>paired-bootstrap</c>.</summary>
    public static string TestOf(string metric) => metric switch
    {
        "roc_auc" => "delong",
        "accuracy" => "mcnemar",
        _ => "paired-bootstrap",
    };

    /// <summary>A binary classifier's metric on the rows <paramref name="rows"/> names (NaN when undefined there, e.g. AUC of one class).</summary>
    public static double BinaryValue(string metric, bool[] actual, double[] scores, double threshold, int[] rows) => metric switch
    {
        "roc_auc" => Auc(actual, scores, threshold, rows),
        "accuracy" => Accuracy(actual, scores, threshold, rows),
        "f1" => F1(actual, scores, threshold, rows),
        "log_loss" => LogLoss(actual, scores, rows),
        "brier" => Brier(actual, scores, rows),
        _ => throw new ArgumentException($"'{metric}' is not a binary classifier's metric.", nameof(metric)),
    };

    /// <summary>A regressor's metric on the rows <paramref name="rows"/> names.</summary>
    public static double RegressionValue(string metric, double[] actual, double[] predicted, int[] rows)
    {
        var sum = 0.0;
        foreach (var i in rows)
        {
            var d = predicted[i] - actual[i];
            sum += metric == "rmse" ? d * d : Math.Abs(d);
        }

        return metric switch
        {
            "rmse" => Math.Sqrt(sum / rows.Length),
            "mae" => sum / rows.Length,
            _ => throw new ArgumentException($"'{metric}' is not a regressor's metric.", nameof(metric)),
        };
    }

    private static double Auc(bool[] actual, double[] scores, double threshold, int[] rows)
    {
        var a = new bool[rows.Length];
        var s = new double[rows.Length];
        for (var k = 0; k < rows.Length; k++)
        {
            (a[k], s[k]) = (actual[rows[k]], scores[rows[k]]);
        }

        return BinaryClassificationMetrics.Compute(a, s, threshold).RocAuc;
    }

    private static double Accuracy(bool[] actual, double[] scores, double threshold, int[] rows)
    {
        var right = 0;
        foreach (var i in rows)
        {
            right += (scores[i] >= threshold) == actual[i] ? 1 : 0;
        }

        return right / (double)rows.Length;
    }

    private static double F1(bool[] actual, double[] scores, double threshold, int[] rows)
    {
        int tp = 0, fp = 0, fn = 0;
        foreach (var i in rows)
        {
            var predicted = scores[i] >= threshold;
            tp += predicted && actual[i] ? 1 : 0;
            fp += predicted && !actual[i] ? 1 : 0;
            fn += !predicted && actual[i] ? 1 : 0;
        }

        return tp == 0 ? 0 : 2.0 * tp / ((2.0 * tp) + fp + fn);
    }

    private static double LogLoss(bool[] actual, double[] scores, int[] rows)
    {
        var sum = 0.0;
        foreach (var i in rows)
        {
            var p = Math.Clamp(scores[i], Epsilon, 1 - Epsilon);
            sum -= actual[i] ? Math.Log(p) : Math.Log(1 - p);
        }

        return sum / rows.Length;
    }

    private static double Brier(bool[] actual, double[] scores, int[] rows)
    {
        var sum = 0.0;
        foreach (var i in rows)
        {
            var d = scores[i] - (actual[i] ? 1 : 0);
            sum += d * d;
        }

        return sum / rows.Length;
    }
}
