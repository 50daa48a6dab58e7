namespace Ferry.Core.Serving;

/// <summary>One piece of ground truth as submitted: a class label or a numeric value for a prediction.</summary>
/// <param name="PredictionId">The prediction it belongs to.</param>
/// <param name="Label">The true class, for classifiers.</param>
/// <param name="Value">The true value, for regressors.</param>
public readonly record struct FeedbackItem(Guid PredictionId, string? Label, double? Value);
