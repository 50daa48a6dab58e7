using Ferry.Statistics.Metrics;

namespace Ferry.Statistics.Calibration;

/// <summary>Confidence-based performance estimate for a window of unlabelled predictions.</summary>
/// <param name="Count">Predictions in the window.</param>
/// <param name="ExpectedConfusion">Expected confusion matrix from the calibrated probabilities.</param>
/// <param name="Accuracy">Expected accuracy.</param>
/// <param name="Precision">Expected precision (ratio of expected counts).</param>
/// <param name="Recall">Expected recall (ratio of expected counts).</param>
/// <param name="F1">Expected F1 (from the expected precision and recall).</param>
/// <param name="RocAuc">Expected ROC AUC (NaN when every calibrated probability is 0, or every one is 1).</param>
public sealed record CbpeEstimate(
    long Count,
    ConfusionMatrix ExpectedConfusion,
    MetricEstimate Accuracy,
    MetricEstimate Precision,
    MetricEstimate Recall,
    MetricEstimate F1,
    MetricEstimate RocAuc);
