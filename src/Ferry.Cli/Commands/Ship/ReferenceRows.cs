using Ferry.Cli.Commands.Models;
using Ferry.Cli.Commands.Predict;

namespace Ferry.Cli.Commands.Ship;

/// <summary>
/// The training rows <c>ferry ship</c> computes the reference from, read and checked before anything is sent: the file
/// has the label column and at most <see cref="ReferenceCommand.MaxRows"/> rows.
/// </summary>
internal sealed class ReferenceRows
{
    private readonly IReadOnlyList<object?[]> _rows;

    private ReferenceRows(FileInfo file, string sha, string label, IReadOnlyList<string> columns, IReadOnlyList<object?[]> rows)
    {
        File = file;
        Sha = sha;
        Label = label;
        Columns = columns;
        _rows = rows;
    }

    /// <summary>The file.</summary>
    public FileInfo File { get; }

    /// <summary>The lower-case hex SHA-256 of its bytes.</summary>
    public string Sha { get; }

    /// <summary>The column holding the true outcome.</summary>
    public string Label { get; }

    /// <summary>Its columns, in file order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Reads a CSV or Parquet file.</summary>
    /// <exception cref="CliException">No such file, no label column, no rows or too many (exit code 2).</exception>
    public static async Task<ReferenceRows> ReadAsync(FileInfo file, string label, CancellationToken cancellationToken)
    {
        await using var source = await RowSources.OpenAsync(file, cancellationToken);
        if (!source.Columns.Contains(label, StringComparer.Ordinal))
        {
            throw new CliException(ExitCodes.InvalidArguments,
                $"--label: {file.Name} has no column '{label}' (its columns: {string.Join(", ", source.Columns.Take(30))}{(source.Columns.Count > 30 ? ", …" : string.Empty)})");
        }

        var rows = new List<object?[]>();
        await foreach (var row in source.ReadAsync(cancellationToken))
        {
            if (rows.Count == ReferenceCommand.MaxRows)
            {
                throw new CliException(ExitCodes.InvalidArguments, $"{file.Name} has more than {ReferenceCommand.MaxRows:N0} rows; send a sample of the training data");
            }

            rows.Add(row);
        }

        if (rows.Count == 0)
        {
            throw new CliException(ExitCodes.InvalidArguments, $"{file.Name} has a header but no rows");
        }

        return new ReferenceRows(file, ShipSource.Sha256(file), label, [.. source.Columns], rows);
    }

    /// <summary>The first row as a record of the model's inputs (every column but the label when the inputs are unknown).</summary>
    public IReadOnlyDictionary<string, object?> First(IReadOnlySet<string>? inputs) => Builder(inputs, out _).Build(_rows[0]);

    /// <summary>Every row as a record of the model's inputs, its label, and the columns left out as not the model's.</summary>
    public (IReadOnlyList<IReadOnlyDictionary<string, object?>> Records, IReadOnlyList<string?> Labels, IReadOnlyList<string> Ignored) Build(IReadOnlySet<string>? inputs)
    {
        var builder = Builder(inputs, out var ignored);
        var records = new List<IReadOnlyDictionary<string, object?>>(_rows.Count);
        var labels = new List<string?>(_rows.Count);
        foreach (var row in _rows)
        {
            records.Add(builder.Build(row));
            labels.Add(builder.Cell(row, Label));
        }

        return (records, labels, ignored);
    }

    private RecordBuilder Builder(IReadOnlySet<string>? inputs, out IReadOnlyList<string> ignored)
    {
        // Other targets and ids in a training file are not the model's inputs; the server would refuse them.
        ignored = inputs is null ? [] : [.. Columns.Where(c => c != Label && !inputs.Contains(c))];
        var passthrough = new HashSet<string>(ignored, StringComparer.Ordinal) { Label };
        return new RecordBuilder(Columns, FieldKinds.For(Columns, null), passthrough);
    }
}
