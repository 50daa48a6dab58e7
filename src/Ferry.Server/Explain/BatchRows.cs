using Ferry.Core.Serving;

namespace Ferry.Server.Explain;

/// <summary>Converts between validated batches (columns) and rows (feature name → value, or cells in feature order).</summary>
public static class BatchRows
{
    /// <summary>Row <paramref name="index"/> of a batch as feature name → value (double, long, string or bool).</summary>
    public static Dictionary<string, object?> Row(FeatureBatch batch, IReadOnlyList<FeatureSpec> features, int index)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(features);
        var row = new Dictionary<string, object?>(features.Count, StringComparer.Ordinal);
        foreach (var feature in features)
        {
            row[feature.Name] = batch.Columns[feature.Name].GetValue(index);
        }

        return row;
    }

    /// <summary>Every row of a batch as cells in feature order.</summary>
    public static object?[][] Cells(FeatureBatch batch, IReadOnlyList<FeatureSpec> features)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(features);
        var rows = new object?[batch.RowCount][];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = [.. features.Select(f => batch.Columns[f.Name].GetValue(i))];
        }

        return rows;
    }

    /// <summary>Rows of cells (in feature order, values as <see cref="Cells"/> gives them) as a batch.</summary>
    public static FeatureBatch FromCells(IReadOnlyList<object?[]> rows, IReadOnlyList<FeatureSpec> features)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(features);
        var columns = new Dictionary<string, Array>(features.Count, StringComparer.Ordinal);
        for (var f = 0; f < features.Count; f++)
        {
            var feature = features[f];
            Array column = feature.Kind switch
            {
                FeatureKind.Number => new double[rows.Count],
                FeatureKind.WholeNumber => new long[rows.Count],
                FeatureKind.Text => new string[rows.Count],
                _ => new bool[rows.Count],
            };
            for (var i = 0; i < rows.Count; i++)
            {
                column.SetValue(rows[i][f], i);
            }

            columns[feature.Name] = column;
        }

        return new FeatureBatch(rows.Count, columns);
    }
}
