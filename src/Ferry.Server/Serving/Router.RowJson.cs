using System.Buffers;
using System.Text;
using System.Text.Json;
using Ferry.Core.Serving;

namespace Ferry.Server.Serving;

/// <summary>Writes the prediction log's per-row JSON (inputs, outputs, shadow answers) into one reused buffer.</summary>
internal sealed class RowJson : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private readonly Utf8JsonWriter _writer;

    public RowJson() => _writer = new Utf8JsonWriter(_buffer);

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();

    /// <summary><c>{"error": message}</c>.</summary>
    public static string Error(string message) => $"{{\"error\":\"{JsonEncodedText.Encode(message)}\"}}";

    /// <summary>
    /// Every row's features as an object (NaN written as null), in row order. Each column is looked up by name once per
    /// batch, not once per row (a 100-row request would otherwise hash 2,000 names).
    /// </summary>
    public string[] Inputs(FeatureBatch batch, IReadOnlyList<FeatureSpec> features)
    {
        var count = features.Count;
        var columns = ArrayPool<Array>.Shared.Rent(count);
        try
        {
            for (var f = 0; f < count; f++)
            {
                columns[f] = batch.Columns[features[f].Name];
            }

            var texts = new string[batch.RowCount];
            for (var row = 0; row < texts.Length; row++)
            {
                Start();
                _writer.WriteStartObject();
                for (var f = 0; f < count; f++)
                {
                    _writer.WritePropertyName(features[f].Name);
                    WriteValue(_writer, columns[f], row);
                }

                _writer.WriteEndObject();
                texts[row] = Finish();
            }

            return texts;
        }
        finally
        {
            Array.Clear(columns, 0, count);
            ArrayPool<Array>.Shared.Return(columns);
        }
    }

    /// <summary>One row's answer: <c>{"label", "score", "probabilities"}</c> (absent members left out).</summary>
    public string Outputs(RowPrediction prediction)
    {
        Start();
        WritePrediction(_writer, prediction);
        return Finish();
    }

    /// <summary>An object whose members are already-serialized JSON values.</summary>
    public string RawObject(IReadOnlyDictionary<string, string> members)
    {
        Start();
        _writer.WriteStartObject();
        foreach (var (name, json) in members)
        {
            _writer.WritePropertyName(name);
            _writer.WriteRawValue(json, skipInputValidation: true);
        }

        _writer.WriteEndObject();
        return Finish();
    }

    /// <summary>Writes the members of a prediction (label, score, probabilities) inside an object that is open or not.</summary>
    public static void WritePrediction(Utf8JsonWriter writer, RowPrediction prediction, bool open = true)
    {
        if (open)
        {
            writer.WriteStartObject();
        }

        if (prediction.Label is { } label)
        {
            writer.WriteString("label", label);
        }

        if (prediction.Score is { } score)
        {
            writer.WritePropertyName("score");
            WriteNumber(writer, score);
        }

        if (prediction.Probabilities is { } probabilities)
        {
            writer.WriteStartObject("probabilities");
            foreach (var (name, p) in probabilities)
            {
                writer.WritePropertyName(name);
                WriteNumber(writer, p);
            }

            writer.WriteEndObject();
        }

        if (open)
        {
            writer.WriteEndObject();
        }
    }

    /// <summary>A number, or null for NaN and infinities (JSON has neither).</summary>
    public static void WriteNumber(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>Writes element <paramref name="index"/> of a column or tensor array.</summary>
    public static void WriteValue(Utf8JsonWriter writer, Array column, int index)
    {
        switch (column)
        {
            case double[] d: WriteNumber(writer, d[index]); break;
            case float[] f: WriteNumber(writer, f[index]); break;
            case long[] l: writer.WriteNumberValue(l[index]); break;
            case int[] i: writer.WriteNumberValue(i[index]); break;
            case bool[] b: writer.WriteBooleanValue(b[index]); break;
            case string[] s: writer.WriteStringValue(s[index]); break;
            default: writer.WriteStringValue(Convert.ToString(column.GetValue(index), System.Globalization.CultureInfo.InvariantCulture)); break;
        }
    }

    private void Start()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
    }

    private string Finish()
    {
        _writer.Flush();
        return Encoding.UTF8.GetString(_buffer.WrittenSpan);
    }
}
