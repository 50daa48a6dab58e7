namespace Ferry.Explain.Reasons;

/// <summary>Typical reference values per feature: the median of a numeric feature, the mode of a categorical one.</summary>
public static class TypicalValues
{
    /// <summary>
    /// The typical value of each feature over <paramref name="rows"/>: a feature whose non-null values are all numbers
    /// gets their median (NaN ignored), any other its most frequent value as text (ties: ordinal order).
    /// </summary>
    public static IReadOnlyDictionary<string, object?> FromRows(IEnumerable<IReadOnlyDictionary<string, object?>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var columns = new Dictionary<string, List<object>>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            foreach (var (name, value) in row)
            {
                if (!columns.TryGetValue(name, out var list))
                {
                    columns[name] = list = [];
                }

                if (value is not null)
                {
                    list.Add(value);
                }
            }
        }

        return columns.ToDictionary(c => c.Key, c => Typical(c.Value), StringComparer.Ordinal);
    }

    /// <summary>The median of <paramref name="values"/> (NaN ignored); NaN when none.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static object? Typical(List<object> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var numbers = values.Select(Cells.AsNumber).ToList();
        if (numbers.All(n => n is not null))
        {
            return Median(numbers.Select(n => n!.Value));
        }

        return values
            .Select(Cells.ToCategory)
            .GroupBy(v => v ?? "", StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .First().Key;
    }
}
