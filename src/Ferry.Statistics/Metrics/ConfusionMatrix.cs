namespace Ferry.Statistics.Metrics;

/// <summary>
/// A binary confusion matrix. Counts are doubles so expected (fractional) matrices fit too. Ratios whose denominator is
/// zero are defined as 0, as scikit-learn's <c>zero_division=0</c>.
/// </summary>
/// <param name="TruePositives">Predicted positive, actually positive.</param>
/// <param name="FalsePositives">Predicted positive, actually negative.</param>
/// <param name="TrueNegatives">Predicted negative, actually negative.</param>
/// <param name="FalseNegatives">Predicted negative, actually positive.</param>
public sealed record ConfusionMatrix(double TruePositives, double FalsePositives, double TrueNegatives, double FalseNegatives)
{
    /// <summary>TP + FP + TN + FN.</summary>
    public double Total => TruePositives + FalsePositives + TrueNegatives + FalseNegatives;

    /// <summary>(TP + TN) / total.</summary>
    public double Accuracy => Ratio(TruePositives + TrueNegatives, Total);

    /// <summary>TP / (TP + FP).</summary>
    public double Precision => Ratio(TruePositives, TruePositives + FalsePositives);

    /// <summary>TP / (TP + FN).</summary>
    public double Recall => Ratio(TruePositives, TruePositives + FalseNegatives);

    /// <summary>2 · precision · recall / (precision + recall), as scikit-learn computes it.</summary>
    public double F1 => Ratio(2 * Precision * Recall, Precision + Recall);

    private static double Ratio(double numerator, double denominator) => denominator == 0 ? 0.0 : numerator / denominator;
}
