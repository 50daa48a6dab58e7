namespace Ferry.Core.Dashboard;

/// <summary>A served prediction's answer with the ground truth that came back for it.</summary>
/// <param name="Timestamp">When it was served, epoch ms.</param>
/// <param name="OutputsJson">The answer, as JSON.</param>
/// <param name="Label">The true class.</param>
public sealed record LabelledRow(long Timestamp, string OutputsJson, string? Label);
