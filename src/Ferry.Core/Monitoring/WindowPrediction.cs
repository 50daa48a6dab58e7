namespace Ferry.Core.Monitoring;

/// <summary>A logged prediction in a monitoring window, with its ground truth when it arrived.</summary>
/// <param name="Timestamp">When it was served, epoch ms.</param>
/// <param name="InputsJson">Its inputs.</param>
/// <param name="OutputsJson">Its answer.</param>
/// <param name="Label">The true class, if known.</param>
/// <param name="Value">The true value, if known.</param>
public sealed record WindowPrediction(long Timestamp, string InputsJson, string OutputsJson, string? Label, double? Value);
