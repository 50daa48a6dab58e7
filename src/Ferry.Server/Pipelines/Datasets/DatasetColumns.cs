using System.Globalization;
using System.Text.Json;
using Parquet.Schema;

namespace Ferry.Server.Pipelines.Datasets;

/// <summary>The type of an input field's column, decided from the values seen.</summary>
public enum FieldKind
{
    /// <summary>Only nulls seen yet (written as a nullable string).</summary>
    Unknown,

    /// <summary>Numbers: nullable double.</summary>
    Number,

    /// <summary>Booleans: nullable bool.</summary>
    Boolean,

    /// <summary>Text, or a mix of kinds: nullable string (numbers and booleans as their JSON text, objects and arrays as JSON).</summary>
    Text,
}

/// <summary>
/// The dataset file's column layout, fixed by the loop's contract: <c>prediction_id</c>, <c>predicted_at</c>,
/// <c>model_name</c>, <c>model_version</c>, one column per input field (named as the field; typed from its values),
/// <c>score</c>, <c>label</c>, <c>label_received_at</c>, <c>source</c>. An input field whose name is one of these
/// columns is written as <c>input_{name}</c>.
/// </summary>
public sealed class DatasetColumns
{
    /// <summary>The fixed columns before the inputs.</summary>
    public static readonly string[] Leading = ["prediction_id", "predicted_at", "model_name", "model_version"];

    /// <summary>The fixed columns after the inputs.</summary>
    public static readonly string[] Trailing = ["score", "label", "label_received_at", "source"];

    private readonly List<string> _order = [];
    private readonly Dictionary<string, FieldKind> _kinds = new(StringComparer.Ordinal);

    /// <summary>The input fields in order of first appearance.</summary>
    public IReadOnlyList<string> Fields => _order;

    /// <summary>A field's kind.</summary>
    public FieldKind KindOf(string field) => _kinds.GetValueOrDefault(field, FieldKind.Unknown);

    /// <summary>Notes the fields of one logged input object.</summary>
    public void Observe(JsonElement inputs)
    {
        if (inputs.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var property in inputs.EnumerateObject())
        {
            Observe(property.Name, property.Value.ValueKind switch
            {
                JsonValueKind.Number => FieldKind.Number,
                JsonValueKind.True or JsonValueKind.False => FieldKind.Boolean,
                JsonValueKind.Null or JsonValueKind.Undefined => FieldKind.Unknown,
                _ => FieldKind.Text,
            });
        }
    }

    /// <summary>Notes one value's kind for <paramref name="field"/>: kinds that disagree make it text.</summary>
    public void Observe(string field, FieldKind kind)
    {
        if (!_kinds.TryGetValue(field, out var current))
        {
            _order.Add(field);
            _kinds[field] = kind;
            return;
        }

        _kinds[field] = (current, kind) switch
        {
            (FieldKind.Unknown, _) => kind,
            (_, FieldKind.Unknown) => current,
            _ when current == kind => current,
            _ => FieldKind.Text,
        };
    }

    /// <summary>The column a field is written as.</summary>
    public static string ColumnOf(string field) =>
        Leading.Contains(field, StringComparer.Ordinal) || Trailing.Contains(field, StringComparer.Ordinal) ? "input_" + field : field;

    /// <summary>Every column name in file order.</summary>
    public IReadOnlyList<string> Names() => [.. Leading, .. _order.Select(ColumnOf), .. Trailing];

    /// <summary>The Parquet schema.</summary>
    public ParquetSchema Schema()
    {
        var fields = new List<Field>
        {
            new DataField<string>("prediction_id", false),
            new DataField<long>("predicted_at", false),
            new DataField<string>("model_name", false),
            new DataField<int>("model_version", false),
        };
        foreach (var field in _order)
        {
            var name = ColumnOf(field);
            fields.Add(KindOf(field) switch
            {
                FieldKind.Number => new DataField<double?>(name),
                FieldKind.Boolean => new DataField<bool?>(name),
                _ => new DataField<string>(name, true),
            });
        }

        fields.Add(new DataField<double?>("score"));
        fields.Add(new DataField<string>("label", true));
        fields.Add(new DataField<long?>("label_received_at"));
        fields.Add(new DataField<string>("source", false));
        return new ParquetSchema(fields);
    }

    /// <summary>The columns with MLflow colspec types (<c>{"name", "type", "required"}</c>), as recorded in the dataset's query.</summary>
    public IReadOnlyList<ColumnType> Types()
    {
        var types = new List<ColumnType>
        {
            new("prediction_id", "string", true),
            new("predicted_at", "long", true),
            new("model_name", "string", true),
            new("model_version", "integer", true),
        };
        types.AddRange(_order.Select(f => new ColumnType(ColumnOf(f), KindOf(f) switch
        {
            FieldKind.Number => "double",
            FieldKind.Boolean => "boolean",
            _ => "string",
        }, false)));
        types.Add(new("score", "double", false));
        types.Add(new("label", "string", false));
        types.Add(new("label_received_at", "long", false));
        types.Add(new("source", "string", true));
        return types;
    }

    /// <summary>A JSON input value as a number, or null.</summary>
    public static double? Number(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    /// <summary>A JSON input value as a boolean, or null.</summary>
    public static bool? Boolean(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String when bool.TryParse(value.GetString(), out var b) => b,
        _ => null,
    };

    /// <summary>A JSON input value as text (numbers and booleans as their JSON text, objects and arrays as JSON), or null.</summary>
    public static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => value.GetRawText(),
    };
}

/// <summary>A column's MLflow colspec type.</summary>
/// <param name="Name">The column.</param>
/// <param name="Type"><c>string</c>, <c>long</c>, <c>integer</c>, <c>double</c> or <c>boolean</c>.</param>
/// <param name="Required">False when it may hold nulls.</param>
public sealed record ColumnType(string Name, string Type, bool Required);
