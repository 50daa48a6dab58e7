using System.Text.Json;
using Ferry.Core.Errors;
using Ferry.Core.Serving;

namespace Ferry.Server.Serving;

/// <summary>Columns being filled from JSON values, with the errors found so far.</summary>
internal sealed class BatchBuilder
{
    private readonly IReadOnlyList<FeatureSpec> _features;
    private readonly Array[] _columns;
    private readonly int _rows;
    private Dictionary<string, List<string>>? _errors;
    private int _errorCount;

    public BatchBuilder(IReadOnlyList<FeatureSpec> features, int rows)
    {
        _features = features;
        _rows = rows;
        _columns = new Array[features.Count];
        for (var i = 0; i < features.Count; i++)
        {
            _columns[i] = features[i].Kind switch
            {
                FeatureKind.Number => new double[rows],
                FeatureKind.WholeNumber => new long[rows],
                FeatureKind.Text => new string[rows],
                _ => new bool[rows],
            };
        }
    }

    public bool HasErrors => _errorCount > 0;

    /// <summary>Records an error (the first <see cref="RecordValidator.MaxErrors"/> are kept, the rest counted).</summary>
    public void Error(string key, string message)
    {
        _errorCount++;
        if (_errorCount > RecordValidator.MaxErrors)
        {
            return;
        }

        _errors ??= new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (!_errors.TryGetValue(key, out var list))
        {
            _errors[key] = list = [];
        }

        list.Add(message);
    }

    /// <summary>Sets a row-wise value; an error is keyed <c>{prefix}[row].{feature}</c>.</summary>
    public void Set(int feature, int row, JsonElement value, string prefix, int keyRow)
    {
        var problem = TrySet(feature, row, value);
        if (problem is not null)
        {
            Error($"{prefix}[{keyRow}].{_features[feature].Name}", problem);
        }
    }

    /// <summary>Sets a column-wise value; an error is keyed <c>{prefix}.{feature}[row]</c>.</summary>
    public void SetColumnar(int feature, int row, JsonElement value, string prefix)
    {
        var problem = TrySet(feature, row, value);
        if (problem is not null)
        {
            Error($"{prefix}.{_features[feature].Name}[{row}]", problem);
        }
    }

    /// <summary>The batch, or a <see cref="ValidationException"/> naming every problem.</summary>
    public FeatureBatch Build()
    {
        if (_errorCount > 0)
        {
            var errors = _errors!.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
            if (_errorCount > RecordValidator.MaxErrors)
            {
                errors["$"] = [$"{_errorCount - RecordValidator.MaxErrors} more errors are not listed (the first {RecordValidator.MaxErrors} are)"];
            }

            throw new ValidationException(errors);
        }

        var columns = new Dictionary<string, Array>(_features.Count, StringComparer.Ordinal);
        for (var i = 0; i < _features.Count; i++)
        {
            columns[_features[i].Name] = _columns[i];
        }

        return new FeatureBatch(_rows, columns);
    }

    private string? TrySet(int feature, int row, JsonElement value)
    {
        var spec = _features[feature];
        switch (spec.Kind)
        {
            case FeatureKind.Number:
                return ReadNumber(spec, value, out ((double[])_columns[feature])[row]);
            case FeatureKind.WholeNumber:
                return ReadWhole(value, out ((long[])_columns[feature])[row]);
            case FeatureKind.Text:
                if (value.ValueKind != JsonValueKind.String)
                {
                    return value.ValueKind == JsonValueKind.Null ? "must be a string, not null" : $"must be a string, not {Describe(value)}";
                }

                ((string[])_columns[feature])[row] = value.GetString()!;
                return null;
            default:
                if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    return $"must be true or false, not {Describe(value)}";
                }

                ((bool[])_columns[feature])[row] = value.ValueKind == JsonValueKind.True;
                return null;
        }
    }

    private static string? ReadNumber(FeatureSpec spec, JsonElement value, out double result)
    {
        result = double.NaN;
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                if (value.TryGetDouble(out result) && double.IsFinite(result))
                {
                    return null;
                }

                return "must be a finite number (it is out of range)";
            case JsonValueKind.Null:
                return spec.AllowNaN ? null : "must be a number, not null (missing values are not allowed for this feature)";
            case JsonValueKind.String:
                var text = value.GetString();
                if (text is "NaN" or "nan")
                {
                    return spec.AllowNaN ? null : "must be a number; NaN is not allowed for this feature";
                }

                return text is "Infinity" or "-Infinity" or "inf" or "-inf"
                    ? "must be a finite number; infinity is not allowed"
                    : "must be a number, not a string";
            default:
                return $"must be a number, not {Describe(value)}";
        }
    }

    private static string? ReadWhole(JsonElement value, out long result)
    {
        result = 0;
        if (value.ValueKind != JsonValueKind.Number)
        {
            return value.ValueKind == JsonValueKind.Null ? "must be a whole number, not null" : $"must be a whole number, not {Describe(value)}";
        }

        if (value.TryGetInt64(out result))
        {
            return null;
        }

        if (value.TryGetDouble(out var d) && double.IsFinite(d) && d == Math.Floor(d) && d is >= -9.2e18 and <= 9.2e18)
        {
            result = (long)d;
            return null;
        }

        return double.IsFinite(d) && d == Math.Floor(d) ? "must be a whole number within 64 bits" : "must be a whole number, not a fraction";
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.Null => "null",
        _ => "missing",
    };
}
