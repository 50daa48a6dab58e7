namespace Ferry.Statistics.Metrics;

/// <summary>Binary classification metrics, matching scikit-learn 1.2.</summary>
/// <param name="Count">Number of examples.</param>
/// <param name="Positives">Number of actually positive examples.</param>
/// <param name="Confusion">Confusion matrix at the threshold.</param>
/// <param name="Accuracy">accuracy_score.</param>
/// <param name="Precision">precision_score (zero_division = 0).</param>
/// <param name="Recall">recall_score (zero_division = 0).</param>
/// <param name="F1">f1_score (zero_division = 0).</param>
/// <param name="RocAuc">roc_auc_score (ties handled as scikit-learn does); NaN when only one class is present.</param>
/// <param name="LogLoss">log_loss with scikit-learn 1.2's clipping of scores to [ε, 1 − ε], ε = 2.22e-16.</param>
/// <param name="Brier">brier_score_loss: mean squared difference between score and outcome.</param>
public sealed record BinaryClassificationMetrics(
    long Count,
    long Positives,
    ConfusionMatrix Confusion,
    double Accuracy,
    double Precision,
    double Recall,
    double F1,
    double RocAuc,
    double LogLoss,
    double Brier)
{
    /// <summary>
    /// Computes the metrics; an example is predicted positive when its score is ≥ <paramref name="threshold"/>.
    /// Log loss and Brier score are NaN for an empty input (scikit-learn raises); log loss is also computed when only one
    /// class is present (scikit-learn raises without explicit labels).
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ or a score is NaN.</exception>
    public static BinaryClassificationMetrics Compute(ReadOnlySpan<bool> actual, ReadOnlySpan<double> positiveScore, double threshold = 0.5)
    {
        if (actual.Length != positiveScore.Length)
        {
            throw new ArgumentException("Labels and scores must have the same length.", nameof(positiveScore));
        }

        const double epsilon = 2.220446049250313e-16;
        double tp = 0, fp = 0, tn = 0, fn = 0, logLoss = 0, brier = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            var score = positiveScore[i];
            if (double.IsNaN(score))
            {
                throw new ArgumentException("Scores must not be NaN.", nameof(positiveScore));
            }

            var predicted = score >= threshold;
            if (actual[i])
            {
                if (predicted)
                {
                    tp++;
                }
                else
                {
                    fn++;
                }
            }
            else if (predicted)
            {
                fp++;
            }
            else
            {
                tn++;
            }

            var clipped = Math.Clamp(score, epsilon, 1 - epsilon);
            var negative = 1 - clipped;
            var total = clipped + negative;
            logLoss -= Math.Log((actual[i] ? clipped : negative) / total);
            var outcome = actual[i] ? 1.0 : 0.0;
            brier += (score - outcome) * (score - outcome);
        }

        var confusion = new ConfusionMatrix(tp, fp, tn, fn);
        var count = actual.Length;
        return new BinaryClassificationMetrics(
            count,
            (long)(tp + fn),
            confusion,
            confusion.Accuracy,
            confusion.Precision,
            confusion.Recall,
            confusion.F1,
            count == 0 ? double.NaN : new RankAuc(positiveScore).Compute(actual),
            count == 0 ? double.NaN : logLoss / count,
            count == 0 ? double.NaN : brier / count);
    }
}
