namespace Ferry.Cli.Commands.Predict;

/// <summary>Builds a request record from an input row: every column but the pass-through ones, converted by kind.</summary>
internal sealed class RecordBuilder
{
    private readonly IReadOnlyList<string> _columns;
    private readonly FieldKind[] _kinds;
    private readonly int[] _sent;

    public RecordBuilder(IReadOnlyList<string> columns, FieldKind[] kinds, IReadOnlySet<string> passthrough)
    {
        _columns = columns;
        _kinds = kinds;
        _sent = [.. Enumerable.Range(0, columns.Count).Where(i => !passthrough.Contains(columns[i]))];
    }

    /// <summary>How many columns are sent as features.</summary>
    public int SentColumns => _sent.Length;

    /// <summary>The record for a row.</summary>
    public IReadOnlyDictionary<string, object?> Build(object?[] row)
    {
        var record = new Dictionary<string, object?>(_sent.Length, StringComparer.Ordinal);
        foreach (var i in _sent)
        {
            record[_columns[i]] = FieldKinds.Convert(row[i], _kinds[i]);
        }

        return record;
    }

    /// <summary>A row's cell in a named column as text, or null when there is no such column.</summary>
    public string? Cell(object?[] row, string column)
    {
        for (var i = 0; i < _columns.Count; i++)
        {
            if (string.Equals(_columns[i], column, StringComparison.Ordinal))
            {
                return FieldKinds.Text(row[i]);
            }
        }

        return null;
    }
}
