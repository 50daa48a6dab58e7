namespace Ferry.Core.Serving;

/// <summary>What a retention pass deleted.</summary>
/// <param name="Predictions">Prediction rows deleted.</param>
/// <param name="Feedback">Feedback rows deleted with them.</param>
public sealed record PredictionRetentionResult(int Predictions, int Feedback);
