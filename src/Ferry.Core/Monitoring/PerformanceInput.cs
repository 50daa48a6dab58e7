using Ferry.Statistics.Calibration;

namespace Ferry.Core.Monitoring;

/// <summary>One served row of the window as performance checks see it.</summary>
/// <param name="ActualLabel">The true class, once feedback arrived.</param>
/// <param name="ActualValue">The true value (regression), once feedback arrived.</param>
/// <param name="Score">Positive-class probability (binary classifier) or predicted value (regressor).</param>
/// <param name="PredictedLabel">The predicted class.</param>
/// <param name="Slice">The row's value of the slicing feature, as text.</param>
public sealed record ScoredRow(string? ActualLabel, double? ActualValue, double? Score, string? PredictedLabel, string? Slice);

/// <summary>What the performance checks need of a window.</summary>
/// <param name="Rows">The window's rows (labelled or not).</param>
/// <param name="IsRegression">True for a regressor.</param>
/// <param name="PositiveLabel">The class whose probability <see cref="ScoredRow.Score"/> is (binary classifiers).</param>
/// <param name="Calibrator">Isotonic calibration of the score fitted on the reference labels; null = no CBPE.</param>
public sealed record PerformanceInput(IReadOnlyList<ScoredRow> Rows, bool IsRegression, string? PositiveLabel, IsotonicCalibrator? Calibrator);
