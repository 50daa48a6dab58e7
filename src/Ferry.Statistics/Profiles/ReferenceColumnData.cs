namespace Ferry.Statistics.Profiles;

/// <summary>Raw reference values of one column: numbers (NaN = missing) or categories (null = missing).</summary>
/// <param name="Name">Column name.</param>
/// <param name="Kind">Numeric or categorical.</param>
/// <param name="Numbers">Values of a numeric column.</param>
/// <param name="Categories">Values of a categorical column.</param>
public sealed record ReferenceColumnData(string Name, ColumnKind Kind, double[]? Numbers, string?[]? Categories);
