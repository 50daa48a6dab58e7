namespace Ferry.Statistics.Metrics;

/// <summary>Multiclass classification metrics, matching scikit-learn 1.2.</summary>
/// <param name="Count">Number of examples.</param>
/// <param name="Classes">Number of classes (probability columns).</param>
/// <param name="Accuracy">accuracy_score of the arg-max predictions.</param>
/// <param name="MacroPrecision">precision_score(average='macro', zero_division=0) over the labels present in actual or predicted.</param>
/// <param name="MacroRecall">recall_score(average='macro', zero_division=0), same labels.</param>
/// <param name="MacroF1">f1_score(average='macro', zero_division=0): the mean of per-class F1, same labels.</param>
/// <param name="LogLoss">log_loss(actual, probabilities, labels=range(classes)): probabilities clipped to
/// [ε, 1 − ε] with ε = 2.22e-16, rows renormalised.</param>
public sealed record MulticlassMetrics(long Count, int Classes, double Accuracy, double MacroPrecision, double MacroRecall, double MacroF1, double LogLoss)
{
    /// <summary>
    /// Computes the metrics from class indexes in [0, classes) and a row-major matrix of class probabilities
    /// (<c>probabilities[i * classes + j]</c> for example i, class j). The prediction is the arg-max (first on ties).
    /// </summary>
    /// <exception cref="ArgumentException">The sizes disagree, a class index is out of range, or a probability is NaN.</exception>
    public static MulticlassMetrics Compute(ReadOnlySpan<int> actual, ReadOnlySpan<double> probabilities, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        if (probabilities.Length != actual.Length * classes)
        {
            throw new ArgumentException("There must be one probability per example and class.", nameof(probabilities));
        }

        const double epsilon = 2.220446049250313e-16;
        var truePositives = new double[classes];
        var predictedCounts = new double[classes];
        var actualCounts = new double[classes];
        double correct = 0, logLoss = 0;
        var clipped = new double[classes];
        for (var i = 0; i < actual.Length; i++)
        {
            var label = actual[i];
            if (label < 0 || label >= classes)
            {
                throw new ArgumentException($"Class index {label} is outside [0, {classes}).", nameof(actual));
            }

            var row = probabilities.Slice(i * classes, classes);
            var predicted = 0;
            var sum = 0.0;
            for (var j = 0; j < classes; j++)
            {
                if (double.IsNaN(row[j]))
                {
                    throw new ArgumentException("Probabilities must not be NaN.", nameof(probabilities));
                }

                if (row[j] > row[predicted])
                {
                    predicted = j;
                }

                clipped[j] = Math.Clamp(row[j], epsilon, 1 - epsilon);
                sum += clipped[j];
            }

            logLoss -= Math.Log(clipped[label] / sum);
            actualCounts[label]++;
            predictedCounts[predicted]++;
            if (predicted == label)
            {
                truePositives[label]++;
                correct++;
            }
        }

        double precision = 0, recall = 0, f1 = 0;
        var labels = 0;
        for (var j = 0; j < classes; j++)
        {
            if (actualCounts[j] == 0 && predictedCounts[j] == 0)
            {
                continue;
            }

            labels++;
            var confusion = new ConfusionMatrix(truePositives[j], predictedCounts[j] - truePositives[j], 0, actualCounts[j] - truePositives[j]);
            precision += confusion.Precision;
            recall += confusion.Recall;
            f1 += confusion.F1;
        }

        var n = actual.Length;
        return n == 0
            ? new MulticlassMetrics(0, classes, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN)
            : new MulticlassMetrics(n, classes, correct / n, precision / labels, recall / labels, f1 / labels, logLoss / n);
    }
}
