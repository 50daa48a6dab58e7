using Ferry.Statistics.Profiles;

namespace Ferry.Statistics.Drift;

/// <summary>Data quality summary read off a dataset profile.</summary>
public static class DataQuality
{
    /// <summary>One <see cref="ColumnQuality"/> per column, in the profile's column order.</summary>
    public static IReadOnlyList<ColumnQuality> Summarize(DatasetProfile current)
    {
        ArgumentNullException.ThrowIfNull(current);
        var result = new List<ColumnQuality>(current.Columns.Count);
        foreach (var column in current.Columns.Values)
        {
            var rows = column.Count + column.Missing + column.Invalid;
            result.Add(new ColumnQuality(
                column.Name,
                rows,
                column.Missing,
                rows == 0 ? 0.0 : (double)column.Missing / rows,
                column.Invalid,
                column.OutOfRange,
                column.Kind == ColumnKind.Categorical ? column.UnseenCategories : 0));
        }

        return result;
    }
}
