namespace Ferry.Core.Serving;

/// <summary>
/// Validated rows in columns, one column per <see cref="FeatureSpec"/>: <see cref="double"/>[] for numbers,
/// <see cref="long"/>[] for whole numbers, <see cref="string"/>[] for text and <see cref="bool"/>[] for booleans.
/// </summary>
public sealed class FeatureBatch
{
    /// <summary>Creates a batch; every column must hold <paramref name="rowCount"/> values.</summary>
    public FeatureBatch(int rowCount, IReadOnlyDictionary<string, Array> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        foreach (var (name, column) in columns)
        {
            if (column.Length != rowCount)
            {
                throw new ArgumentException($"Column '{name}' has {column.Length} values for {rowCount} rows.", nameof(columns));
            }
        }

        RowCount = rowCount;
        Columns = columns;
    }

    /// <summary>Number of rows.</summary>
    public int RowCount { get; }

    /// <summary>Columns by feature name.</summary>
    public IReadOnlyDictionary<string, Array> Columns { get; }
}
