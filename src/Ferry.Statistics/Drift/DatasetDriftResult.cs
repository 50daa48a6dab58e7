namespace Ferry.Statistics.Drift;

/// <summary>Drift test result for a dataset.</summary>
/// <param name="Columns">One result per column, in schema order (skipped columns included, flagged).</param>
/// <param name="DriftedColumns">Number of columns that drifted.</param>
/// <param name="DriftShare">DriftedColumns divided by the number of columns actually tested (0 when none was).</param>
/// <param name="Drifted">True when at least one column was tested and DriftShare ≥ the configured share.</param>
public sealed record DatasetDriftResult(IReadOnlyList<ColumnDriftResult> Columns, int DriftedColumns, double DriftShare, bool Drifted);
