namespace Ferry.Statistics.Metrics;

/// <summary>One point of a calibration (reliability) curve.</summary>
/// <param name="MeanPredicted">Mean score in the bin (scikit-learn's prob_pred).</param>
/// <param name="FractionPositive">Fraction of positives in the bin (scikit-learn's prob_true).</param>
/// <param name="Count">Examples in the bin.</param>
public sealed record CalibrationBin(double MeanPredicted, double FractionPositive, long Count);
