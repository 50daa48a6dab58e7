namespace Ferry.Core.Monitoring;

/// <summary>How many rows a version served in a window.</summary>
/// <param name="ModelName">Model.</param>
/// <param name="ModelVersion">Version.</param>
/// <param name="Rows">Rows.</param>
public sealed record VersionRows(string ModelName, int ModelVersion, long Rows);
