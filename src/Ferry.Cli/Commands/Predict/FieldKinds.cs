using System.Globalization;
using Ferry.Client.Serving;

namespace Ferry.Cli.Commands.Predict;

/// <summary>How a column's values are sent: the JSON kind the endpoint's validator expects for that field.</summary>
internal enum FieldKind
{
    /// <summary>Not known from the endpoint's metadata: each cell is typed by how it looks.</summary>
    Inferred,

    /// <summary>A real number (JSON number).</summary>
    Number,

    /// <summary>A whole number (JSON number without fraction).</summary>
    WholeNumber,

    /// <summary>Text (JSON string).</summary>
    Text,

    /// <summary>true or false.</summary>
    Boolean,
}

/// <summary>
/// Turns input cells into record values. A column whose name is an input of the endpoint's model (Open Inference
/// Protocol metadata) is converted to that input's kind; any other column is typed cell by cell: a whole number
/// (<c>-12</c>), a number (<c>3.5</c>, <c>1e-3</c>), <c>true</c>/<c>false</c> (any case), otherwise text. An empty
/// cell is <c>null</c> (a missing value) except in a text column, where it is the empty string. A cell that does not
/// parse as its column's kind is sent as the text it is, so the server names the row and field it rejects.
/// </summary>
internal static class FieldKinds
{
    /// <summary>The kind of an Open Inference Protocol datatype.</summary>
    public static FieldKind FromDatatype(string datatype) => datatype.ToUpperInvariant() switch
    {
        "FP16" or "FP32" or "FP64" or "BF16" => FieldKind.Number,
        "INT8" or "INT16" or "INT32" or "INT64" or "UINT8" or "UINT16" or "UINT32" or "UINT64" => FieldKind.WholeNumber,
        "BOOL" => FieldKind.Boolean,
        "BYTES" => FieldKind.Text,
        _ => FieldKind.Inferred,
    };

    /// <summary>The kind of each column: from the model's inputs where a column is named like one, else inferred.</summary>
    public static FieldKind[] For(IReadOnlyList<string> columns, ModelMetadata? metadata)
    {
        var kinds = new FieldKind[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            var input = metadata?.Inputs.FirstOrDefault(t => string.Equals(t.Name, columns[i], StringComparison.Ordinal));
            kinds[i] = input is null ? FieldKind.Inferred : FromDatatype(input.Datatype);
        }

        return kinds;
    }

    /// <summary>A record value for a raw cell: text from CSV, or a typed value from Parquet.</summary>
    public static object? Convert(object? raw, FieldKind kind) => raw switch
    {
        null => kind == FieldKind.Text ? string.Empty : null,
        string text => FromText(text, kind),
        _ when kind == FieldKind.Text => Text(raw),
        DateTime or DateTimeOffset or DateOnly or TimeOnly or TimeSpan or Guid or byte[] => Text(raw),
        _ => raw,
    };

    /// <summary>A value as CSV text (numbers shortest round-trip, dates ISO 8601).</summary>
    public static string Text(object? value) => value switch
    {
        null => string.Empty,
        string s => s,
        bool b => b ? "true" : "false",
        DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset d => d.ToString("O", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("O", CultureInfo.InvariantCulture),
        byte[] bytes => System.Convert.ToBase64String(bytes),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static object? FromText(string text, FieldKind kind)
    {
        if (text.Length == 0)
        {
            return kind == FieldKind.Text ? text : null;
        }

        switch (kind)
        {
            case FieldKind.Text:
                return text;
            case FieldKind.Boolean:
                return bool.TryParse(text, out var flag) ? flag : text;
            case FieldKind.WholeNumber:
                if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole))
                {
                    return whole;
                }

                // 2.0 is a whole number to the server; 2.5 is not, and the server says so for this row and field.
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real) ? real : text;
            case FieldKind.Number:
                if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var integral))
                {
                    return integral;
                }

                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    // NaN goes as "NaN", which the server accepts where the feature allows missing values; infinities
                    // go as they were written, which it refuses by name.
                    return double.IsFinite(number) ? number : double.IsNaN(number) ? "NaN" : text;
                }

                return text;
            default:
                if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var inferredWhole))
                {
                    return inferredWhole;
                }

                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var inferred) && double.IsFinite(inferred))
                {
                    return inferred;
                }

                return bool.TryParse(text, out var inferredFlag) ? inferredFlag : text;
        }
    }
}
