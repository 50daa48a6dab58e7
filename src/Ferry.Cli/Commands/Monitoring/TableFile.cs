using System.Globalization;
using Ferry.Cli.Commands.Predict;
using Ferry.Statistics.Profiles;

namespace Ferry.Cli.Commands.Monitoring;

/// <summary>
/// A whole table file read into columns for <c>ferry drift</c>. A column is numeric when every non-empty cell is a
/// number (or a Parquet numeric type), otherwise categorical; empty cells and NaN are missing values.
/// </summary>
internal sealed class TableFile
{
    private TableFile(Dictionary<string, TableColumn> columns, long rows)
    {
        Columns = columns;
        Rows = rows;
    }

    /// <summary>Columns by name, in file order.</summary>
    public Dictionary<string, TableColumn> Columns { get; }

    /// <summary>Rows read.</summary>
    public long Rows { get; }

    /// <summary>Reads <paramref name="file"/>, leaving out <paramref name="ignore"/>.</summary>
    /// <remarks>A CSV file is read once for its numeric columns, with numbers parsed from the bytes (in parallel by
    /// <see cref="NumericCsv"/> when the file has no quotes and no ragged or blank records), and once more only when some
    /// column holds text.</remarks>
    public static async Task<TableFile> ReadAsync(FileInfo file, IReadOnlySet<string> ignore, CancellationToken cancellationToken)
    {
        await using var source = await RowSources.OpenAsync(file, cancellationToken);
        var kept = Enumerable.Range(0, source.Columns.Count).Where(i => !ignore.Contains(source.Columns[i])).ToArray();
        if (source is not CsvRowSource csv)
        {
            return await ReadCellsAsync(source, kept, cancellationToken);
        }

        var (numbers, rows) = NumericCsv.TryRead(file.FullName, source.Columns.Count, kept, cancellationToken: cancellationToken)
            ?? await csv.ReadNumbersAsync(kept, cancellationToken);
        var columns = new Dictionary<string, TableColumn>(StringComparer.Ordinal);
        TableFile? text = null;
        if (numbers.Any(n => n is null))
        {
            var textual = kept.Where((_, k) => numbers[k] is null).ToArray();
            await using var again = await RowSources.OpenAsync(file, cancellationToken);
            text = await ReadCellsAsync(again, textual, cancellationToken);
        }

        for (var k = 0; k < kept.Length; k++)
        {
            var name = source.Columns[kept[k]];
            columns[name] = numbers[k] is { } values ? TableColumn.FromNumbers(values) : text!.Columns[name];
        }

        return new TableFile(columns, rows);
    }

    private static async Task<TableFile> ReadCellsAsync(IRowSource source, int[] kept, CancellationToken cancellationToken)
    {
        var cells = kept.Select(_ => new List<object?>()).ToArray();
        long rows = 0;
        await foreach (var row in source.ReadAsync(cancellationToken))
        {
            for (var k = 0; k < kept.Length; k++)
            {
                cells[k].Add(row[kept[k]]);
            }

            rows++;
        }

        var columns = new Dictionary<string, TableColumn>(StringComparer.Ordinal);
        for (var k = 0; k < kept.Length; k++)
        {
            columns[source.Columns[kept[k]]] = TableColumn.From(cells[k]);
        }

        return new TableFile(columns, rows);
    }
}

/// <summary>One column's values, typed.</summary>
internal sealed class TableColumn
{
    private TableColumn(double[]? numbers, string?[]? categories)
    {
        Numbers = numbers;
        Categories = categories;
    }

    /// <summary>The values of a numeric column (NaN = missing).</summary>
    public double[]? Numbers { get; }

    /// <summary>The values of a categorical column (null = missing).</summary>
    public string?[]? Categories { get; }

    /// <summary>A numeric column (NaN = missing).</summary>
    public static TableColumn FromNumbers(double[] numbers) => new(numbers, null);

    /// <summary>Types a column by its cells.</summary>
    public static TableColumn From(List<object?> cells)
    {
        var numbers = new double[cells.Count];
        var numeric = true;
        for (var i = 0; i < cells.Count && numeric; i++)
        {
            numbers[i] = cells[i] switch
            {
                null => double.NaN,
                string { Length: 0 } => double.NaN,
                string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
                IConvertible c and not string and not bool and not DateTime => c.ToDouble(CultureInfo.InvariantCulture),
                _ => Fail(ref numeric),
            };
        }

        return numeric
            ? new TableColumn(numbers, null)
            : new TableColumn(null, [.. cells.Select(c => c is null or string { Length: 0 } ? null : FieldKinds.Text(c))]);
    }

    /// <summary>The column as reference data.</summary>
    public ReferenceColumnData ToReference(string name) => Numbers is not null
        ? new ReferenceColumnData(name, ColumnKind.Numeric, Numbers, null)
        : new ReferenceColumnData(name, ColumnKind.Categorical, null, Categories);

    /// <summary>Adds every value to a profile column (a value of the wrong kind counts as invalid).</summary>
    public void FoldInto(ColumnProfile profile)
    {
        if (profile.Kind == ColumnKind.Numeric && Numbers is not null)
        {
            foreach (var v in Numbers)
            {
                profile.AddNumber(v);
            }
        }
        else if (profile.Kind == ColumnKind.Categorical && Categories is not null)
        {
            foreach (var v in Categories)
            {
                profile.AddCategory(v);
            }
        }
        else if (profile.Kind == ColumnKind.Categorical && Numbers is not null)
        {
            foreach (var v in Numbers)
            {
                profile.AddCategory(double.IsNaN(v) ? null : v.ToString(CultureInfo.InvariantCulture));
            }
        }
        else
        {
            foreach (var _ in Categories!)
            {
                profile.AddInvalid();
            }
        }
    }

    private static double Fail(ref bool numeric)
    {
        numeric = false;
        return double.NaN;
    }
}
