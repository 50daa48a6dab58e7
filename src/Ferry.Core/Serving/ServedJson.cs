using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Ferry.Core.Serving;

/// <summary>
/// How served values are written as JSON, in the answers and in the prediction log (one writer, so a logged row's text
/// and an answer agree): numbers as doubles, NaN and infinities as null.
/// </summary>
public static class ServedJson
{
    /// <summary>A number, or null for NaN and infinities (JSON has neither).</summary>
    public static void WriteNumber(Utf8JsonWriter writer, double value)
    {
        ArgumentNullException.ThrowIfNull(writer);
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
        ArgumentNullException.ThrowIfNull(writer);
        switch (column)
        {
            case double[] d: WriteNumber(writer, d[index]); break;
            case float[] f: WriteNumber(writer, f[index]); break;
            case long[] l: writer.WriteNumberValue(l[index]); break;
            case int[] i: writer.WriteNumberValue(i[index]); break;
            case bool[] b: writer.WriteBooleanValue(b[index]); break;
            case string[] s: writer.WriteStringValue(s[index]); break;
            default: writer.WriteStringValue(Convert.ToString(column.GetValue(index), CultureInfo.InvariantCulture)); break;
        }
    }

    /// <summary>Writes the members of an answer (label, score, probabilities; absent ones left out) inside an object that is open or not.</summary>
    public static void WritePrediction(Utf8JsonWriter writer, RowPrediction prediction, bool open = true)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(prediction);
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

    /// <summary>An answer as the prediction log keeps it: <c>{"label", "score", "probabilities"}</c>.</summary>
    public static string Prediction(RowPrediction prediction)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WritePrediction(writer, prediction);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>An answer's text length estimated without writing it (what the log's buffer counts a waiting answer as).</summary>
    public static int EstimatedChars(RowPrediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        var chars = 2 + (prediction.Label is { } label ? label.Length + 12 : 0) + (prediction.Score is null ? 0 : 30);
        if (prediction.Probabilities is { } probabilities)
        {
            chars += 18;
            foreach (var name in probabilities.Keys)
            {
                chars += name.Length + 26;
            }
        }

        return chars;
    }
}
