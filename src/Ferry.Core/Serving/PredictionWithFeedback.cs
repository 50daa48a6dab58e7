namespace Ferry.Core.Serving;

/// <summary>A logged prediction and its ground truth, if any arrived.</summary>
/// <param name="Prediction">The logged row.</param>
/// <param name="Feedback">Its feedback, or null.</param>
public sealed record PredictionWithFeedback(PredictionRecord Prediction, PredictionFeedback? Feedback);
