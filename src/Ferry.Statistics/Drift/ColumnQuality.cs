namespace Ferry.Statistics.Drift;

/// <summary>Data quality counters of one column.</summary>
/// <param name="Column">Column name.</param>
/// <param name="Rows">Values seen for the column: valid + missing + invalid.</param>
/// <param name="Missing">Missing values (null, NaN).</param>
/// <param name="MissingRate">Missing / Rows (0 when Rows is 0).</param>
/// <param name="Invalid">Invalid values (wrong type, ±∞).</param>
/// <param name="OutOfRange">Numeric values outside the reference [min, max].</param>
/// <param name="UnseenCategories">Categorical values not among the reference categories.</param>
public sealed record ColumnQuality(string Column, long Rows, long Missing, double MissingRate, long Invalid, long OutOfRange, long UnseenCategories);
