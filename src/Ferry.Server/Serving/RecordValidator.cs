using System.Text.Json;
using Ferry.Core.Errors;
using Ferry.Core.Serving;

namespace Ferry.Server.Serving;

/// <summary>
/// Turns request JSON into a <see cref="FeatureBatch"/> against a loaded model's <see cref="ILoadedModel.Features"/>,
/// collecting every problem (up to <see cref="MaxErrors"/>) as <c>errors["records[3].income"] = ["must be a number"]</c>
/// and raising them together as a <see cref="ValidationException"/> (400 naming each field and why).
/// </summary>
/// <remarks>
/// Rules: every feature is required and no other field is accepted; a number must be a finite JSON number (NaN only
/// where the feature allows it, sent as <c>null</c> or <c>"NaN"</c>; infinities never); a whole number must have no
/// fraction (<c>2.0</c> is accepted as 2) and fit in 64 bits; text must be a JSON string; a boolean must be
/// <c>true</c> or <c>false</c>. Names are case-sensitive. While the router binds a request on an endpoint with a
/// subject field (<see cref="SubjectCapture"/>), that field is accepted too (a string or a number, or null) and its
/// values are collected as the rows' subject keys; it reaches the model only if it is also a feature.
/// </remarks>
public static class RecordValidator
{
    /// <summary>Most errors listed in one answer.</summary>
    public const int MaxErrors = 50;

    /// <summary>Most records (rows) one request may carry.</summary>
    public const int MaxRows = 100_000;

    /// <summary>Rows as JSON objects (<c>[{"age": 41, ...}, ...]</c>); errors are keyed <c>{prefix}[i].{field}</c>.</summary>
    /// <exception cref="ValidationException">A record is invalid.</exception>
    public static FeatureBatch FromRecords(JsonElement records, IReadOnlyList<FeatureSpec> features, string prefix)
    {
        ArgumentNullException.ThrowIfNull(features);
        var rows = RowCount(records, prefix);
        var builder = new BatchBuilder(features, rows);
        var subject = SubjectCapture.Current;
        Span<bool> seen = features.Count <= 256 ? stackalloc bool[features.Count] : new bool[features.Count];
        var row = 0;
        foreach (var record in records.EnumerateArray())
        {
            if (record.ValueKind != JsonValueKind.Object)
            {
                builder.Error($"{prefix}[{row}]", "must be a JSON object of feature values");
                row++;
                continue;
            }

            seen.Clear();
            foreach (var property in record.EnumerateObject())
            {
                var index = IndexOf(features, property);
                if (subject is not null && property.NameEquals(subject.Field))
                {
                    if (subject.Set(row, rows, property.Value) is { } problem)
                    {
                        builder.Error($"{prefix}[{row}].{property.Name}", problem);
                    }

                    if (index < 0)
                    {
                        continue;
                    }
                }

                if (index < 0)
                {
                    builder.Error($"{prefix}[{row}].{property.Name}", "is not a feature of this model");
                    continue;
                }

                seen[index] = true;
                builder.Set(index, row, property.Value, prefix, row);
            }

            for (var i = 0; i < features.Count; i++)
            {
                if (!seen[i])
                {
                    builder.Error($"{prefix}[{row}].{features[i].Name}", "is required");
                }
            }

            row++;
        }

        return builder.Build();
    }

    /// <summary>
    /// Rows as JSON arrays aligned with <paramref name="columns"/> (MLflow's <c>dataframe_split</c>, or
    /// <c>instances</c> as lists in the model's feature order); errors are keyed <c>{prefix}[i].{column}</c>.
    /// </summary>
    /// <exception cref="ValidationException">A column or a value is invalid.</exception>
    public static FeatureBatch FromRows(IReadOnlyList<string> columns, JsonElement rows, IReadOnlyList<FeatureSpec> features, string prefix)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(features);
        var count = RowCount(rows, prefix);
        var builder = new BatchBuilder(features, count);
        var subject = SubjectCapture.Current;
        var map = MapColumns(columns, features, builder, prefix, subject?.Field);
        var row = 0;
        foreach (var values in rows.EnumerateArray())
        {
            if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() != columns.Count)
            {
                builder.Error($"{prefix}[{row}]", $"must be an array of {columns.Count} values");
                row++;
                continue;
            }

            var column = 0;
            foreach (var value in values.EnumerateArray())
            {
                if (map[column] >= 0)
                {
                    builder.Set(map[column], row, value, prefix, row);
                }

                if (subject is not null && string.Equals(columns[column], subject.Field, StringComparison.Ordinal)
                    && subject.Set(row, count, value) is { } problem)
                {
                    builder.Error($"{prefix}[{row}].{subject.Field}", problem);
                }

                column++;
            }

            row++;
        }

        return builder.Build();
    }

    /// <summary>
    /// Columns as one JSON array per feature (<c>{"age": [41, 52], ...}</c>; MLflow's <c>inputs</c> dictionary);
    /// errors are keyed <c>{prefix}.{field}[i]</c>.
    /// </summary>
    /// <exception cref="ValidationException">A column or a value is invalid.</exception>
    public static FeatureBatch FromColumns(JsonElement columns, IReadOnlyList<FeatureSpec> features, string prefix)
    {
        ArgumentNullException.ThrowIfNull(features);
        var rows = -1;
        foreach (var property in columns.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Array)
            {
                rows = Math.Max(rows, property.Value.GetArrayLength());
            }
        }

        var builder = new BatchBuilder(features, Math.Max(rows, 0));
        var seen = new bool[features.Count];
        var subject = SubjectCapture.Current;
        foreach (var property in columns.EnumerateObject())
        {
            var index = IndexOf(features, property);
            if (subject is not null && property.NameEquals(subject.Field))
            {
                CaptureColumn(subject, property, rows, builder, prefix);
                if (index < 0)
                {
                    continue;
                }
            }

            if (index < 0)
            {
                builder.Error($"{prefix}.{property.Name}", "is not a feature of this model");
                continue;
            }

            seen[index] = true;
            if (property.Value.ValueKind != JsonValueKind.Array || property.Value.GetArrayLength() != rows)
            {
                builder.Error($"{prefix}.{property.Name}", $"must be an array of {rows} values, like every other column");
                continue;
            }

            var row = 0;
            foreach (var value in property.Value.EnumerateArray())
            {
                builder.SetColumnar(index, row++, value, prefix);
            }
        }

        for (var i = 0; i < features.Count; i++)
        {
            if (!seen[i])
            {
                builder.Error($"{prefix}.{features[i].Name}", "is required");
            }
        }

        if (rows <= 0)
        {
            builder.Error(prefix, "must hold at least one row");
        }

        return builder.Build();
    }

    /// <summary>Checks a rows array: present, an array, not empty, within <see cref="MaxRows"/>.</summary>
    /// <exception cref="ValidationException">It is not.</exception>
    public static int RowCount(JsonElement rows, string prefix)
    {
        if (rows.ValueKind != JsonValueKind.Array)
        {
            throw new ValidationException(prefix, "must be a JSON array of records");
        }

        var count = rows.GetArrayLength();
        return count switch
        {
            0 => throw new ValidationException(prefix, "must hold at least one record"),
            > MaxRows => throw new ValidationException(prefix, $"holds {count} records; at most {MaxRows} are accepted in one request"),
            _ => count,
        };
    }

    private static int[] MapColumns(IReadOnlyList<string> columns, IReadOnlyList<FeatureSpec> features, BatchBuilder builder, string prefix, string? subjectField)
    {
        var map = new int[columns.Count];
        var seen = new bool[features.Count];
        for (var c = 0; c < columns.Count; c++)
        {
            map[c] = -1;
            for (var f = 0; f < features.Count; f++)
            {
                if (string.Equals(features[f].Name, columns[c], StringComparison.Ordinal))
                {
                    map[c] = f;
                    seen[f] = true;
                    break;
                }
            }

            if (map[c] < 0 && !string.Equals(columns[c], subjectField, StringComparison.Ordinal))
            {
                builder.Error($"{prefix}.columns[{c}]", $"'{columns[c]}' is not a feature of this model");
            }
        }

        for (var f = 0; f < features.Count; f++)
        {
            if (!seen[f])
            {
                builder.Error($"{prefix}.{features[f].Name}", "is required");
            }
        }

        return map;
    }

    private static void CaptureColumn(SubjectCapture subject, JsonProperty property, int rows, BatchBuilder builder, string prefix)
    {
        if (property.Value.ValueKind != JsonValueKind.Array || property.Value.GetArrayLength() != rows)
        {
            builder.Error($"{prefix}.{property.Name}", $"must be an array of {rows} values, like every other column");
            return;
        }

        var row = 0;
        foreach (var value in property.Value.EnumerateArray())
        {
            if (subject.Set(row, rows, value) is { } problem)
            {
                builder.Error($"{prefix}.{property.Name}[{row}]", problem);
            }

            row++;
        }
    }

    private static int IndexOf(IReadOnlyList<FeatureSpec> features, JsonProperty property)
    {
        for (var i = 0; i < features.Count; i++)
        {
            if (property.NameEquals(features[i].Name))
            {
                return i;
            }
        }

        return -1;
    }
}
