using System.Text.Json.Serialization;

namespace Ferry.Statistics.Profiles;

/// <summary>
/// What is computed once from a model version's reference (training) data and reused by every report: the schema
/// (bin edges from reference quantiles, reference range and categories), the reference data folded into that layout,
/// the exact sorted values of small numeric columns, and each numeric column's population standard deviation.
/// </summary>
public sealed class ReferenceProfile
{
    /// <summary>Numeric columns with at most this many finite values keep them exactly in <see cref="ExactValues"/>.</summary>
    public const int ExactValueLimit = 10_000;

    /// <summary>Restores a reference profile (used by System.Text.Json); prefer <see cref="Build"/>.</summary>
    [JsonConstructor]
    public ReferenceProfile(
        ProfileSchema schema,
        DatasetProfile profile,
        IReadOnlyDictionary<string, double[]> exactValues,
        IReadOnlyDictionary<string, double> standardDeviations)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(exactValues);
        ArgumentNullException.ThrowIfNull(standardDeviations);
        Schema = schema;
        Profile = profile;
        ExactValues = exactValues;
        StandardDeviations = standardDeviations;
    }

    /// <summary>Column layouts.</summary>
    public ProfileSchema Schema { get; }

    /// <summary>The reference data folded into the schema's layout.</summary>
    public DatasetProfile Profile { get; }

    /// <summary>Sorted finite values of numeric columns with at most <see cref="ExactValueLimit"/> of them.</summary>
    public IReadOnlyDictionary<string, double[]> ExactValues { get; }

    /// <summary>Population standard deviation (ddof = 0, two-pass) of each numeric column's finite values (NaN if none).</summary>
    public IReadOnlyDictionary<string, double> StandardDeviations { get; }

    /// <summary>
    /// Builds the reference profile. Numeric bin edges are the reference quantiles at k / <paramref name="bins"/>,
    /// k = 1 … bins − 1 (numpy's default 'linear' interpolation, so deciles by default), with repeated edges removed.
    /// All columns must have the same number of rows. NaN / null are missing; ±∞ are counted invalid and otherwise ignored.
    /// </summary>
    /// <exception cref="ArgumentException">Names repeat, a column lacks the array for its kind, or lengths differ.</exception>
    public static ReferenceProfile Build(IReadOnlyList<ReferenceColumnData> columns, int bins = 10)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var layouts = new List<ColumnSchema>(columns.Count);
        var exactValues = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var deviations = new Dictionary<string, double>(StringComparer.Ordinal);
        long? rows = null;
        foreach (var column in columns)
        {
            var length = column.Kind == ColumnKind.Numeric
                ? (column.Numbers ?? throw new ArgumentException($"Numeric column '{column.Name}' has no numbers.", nameof(columns))).Length
                : (column.Categories ?? throw new ArgumentException($"Categorical column '{column.Name}' has no categories.", nameof(columns))).Length;
            if (rows is not null && rows != length)
            {
                throw new ArgumentException($"Column '{column.Name}' has {length} rows, others {rows}.", nameof(columns));
            }

            rows = length;
            if (column.Kind == ColumnKind.Numeric)
            {
                var sorted = column.Numbers!.Where(double.IsFinite).Select(v => v + 0.0).ToArray();
                Array.Sort(sorted);
                layouts.Add(NumericLayout(column.Name, sorted, bins));
                deviations[column.Name] = sorted.Length == 0 ? double.NaN : Drift.Wasserstein.PopulationStandardDeviation(sorted);
                if (sorted.Length <= ExactValueLimit)
                {
                    exactValues[column.Name] = sorted;
                }
            }
            else
            {
                layouts.Add(ColumnSchema.Categorical(column.Name, column.Categories!.OfType<string>()));
            }
        }

        var schema = new ProfileSchema(layouts);
        var profile = DatasetProfile.Empty(schema);
        foreach (var column in columns)
        {
            var target = profile.Columns[column.Name];
            if (column.Kind == ColumnKind.Numeric)
            {
                foreach (var value in column.Numbers!)
                {
                    target.AddNumber(value);
                }
            }
            else
            {
                foreach (var value in column.Categories!)
                {
                    target.AddCategory(value);
                }
            }
        }

        profile.AddRowCount(rows ?? 0);
        return new ReferenceProfile(schema, profile, exactValues, deviations);
    }

    private static ColumnSchema NumericLayout(string name, double[] sorted, int bins)
    {
        if (sorted.Length == 0)
        {
            return ColumnSchema.Numeric(name, [], double.NaN, double.NaN);
        }

        var edges = new List<double>(bins - 1);
        for (var k = 1; k < bins; k++)
        {
            var edge = LinearQuantile.Of(sorted, (double)k / bins);
            if (edges.Count == 0 || edge > edges[^1])
            {
                edges.Add(edge);
            }
        }

        return ColumnSchema.Numeric(name, [.. edges], sorted[0], sorted[^1]);
    }
}
