using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Ferry.Core.Serving;

namespace Ferry.Storage.Serving.Log;

/// <summary>The typed inputs and outputs blobs written straight from the values a request was served with and the model's answer.</summary>
/// <remarks>
/// No JSON text is written or parsed, and no round trip proves the blob: each typed form is one whose decoding writes
/// the very text <see cref="ServedRows.InputsJson"/> writes (tests hold both to System.Text.Json's own writer). A number
/// is the same double both ways (float32 when it holds it exactly, else 8 bytes), except a whole number under 10^15 in
/// magnitude, stored as a varint and written back as an integer (.NET 10's writer formats whole doubles up to 10^16
/// without a fraction or exponent, and 1E+17 beyond; the bound keeps a decade's margin); whole-number columns are varints; text is its UTF-8 bytes, escaped by the same writer when decoded. A
/// value with no such form (text that is not valid UTF-16, a column type the router does not make) leaves the row to
/// the text path.
/// </remarks>
internal static partial class PayloadCodec
{
    private const double PlainIntegerBound = 1e15;
    private static readonly ConditionalWeakTable<IReadOnlyList<FeatureSpec>, StrongBox<PayloadSchema?>> ServedSchemas = new();
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly ConcurrentDictionary<string, PayloadSchema?> AnswerSchemas = new(StringComparer.Ordinal);
    private const int MaxAnswerShapes = 4096;

    [ThreadStatic]
    private static AnswerShape? _lastAnswer;

    /// <summary>
    /// Row <paramref name="row"/> of <paramref name="served"/> as a typed blob whose decoding is that row's
    /// <see cref="ServedRows.InputsJson"/>; null when it has no typed form (encode the text instead).
    /// </summary>
    public static byte[]? EncodeServed(ServedRows served, int row, out PayloadSchema? schema)
    {
        ArgumentNullException.ThrowIfNull(served);
        schema = ServedSchemas.GetValue(served.Features, static features => new StrongBox<PayloadSchema?>(SchemaOf(features))).Value;
        if (schema is null)
        {
            return null;
        }

        var (tags, values) = EmptyScratch();
        var columns = served.Columns;
        for (var f = 0; f < columns.Count; f++)
        {
            var tag = columns[f] switch
            {
                double[] d => WriteServedNumber(values, d[row]),
                float[] s => WriteServedNumber(values, s[row]),
                long[] l => WriteWhole(values, l[row]),
                int[] i => WriteWhole(values, i[row]),
                bool[] b => b[row] ? True : False,
                string[] t => WriteServedText(values, t[row]),
                _ => -1,
            };
            if (tag < 0)
            {
                schema = null;
                return null;
            }

            tags.Add(tag);
        }

        return Pack(schema, tags, values);
    }

    /// <summary>
    /// A model's answer as a typed blob whose decoding is <see cref="ServedJson.Prediction"/> of it; null when it has no
    /// typed form (encode the text instead).
    /// </summary>
    public static byte[]? EncodeAnswer(RowPrediction answer, out PayloadSchema? schema)
    {
        ArgumentNullException.ThrowIfNull(answer);
        schema = AnswerSchema(answer);
        if (schema is null)
        {
            return null;
        }

        var (tags, values) = EmptyScratch();
        if (answer.Label is { } label)
        {
            var tag = WriteServedText(values, label);
            if (tag < 0)
            {
                schema = null;
                return null;
            }

            tags.Add(tag);
        }

        if (answer.Score is { } score)
        {
            tags.Add(WriteServedNumber(values, score));
        }

        if (answer.Probabilities is { } probabilities)
        {
            foreach (var p in probabilities.Values)
            {
                tags.Add(WriteServedNumber(values, p));
            }
        }

        return tags.Count == schema.Slots ? Pack(schema, tags, values) : null;
    }

    // The thread's tag list and value buffer, emptied.
    private static (List<int> Tags, ArrayBufferWriter<byte> Values) EmptyScratch()
    {
        var scratch = Buffers;
        scratch.Tags.Clear();
        scratch.Values.ResetWrittenCount();
        return (scratch.Tags, scratch.Values);
    }

    // The schema of an answer's shape (which members it has, its classes' names in order): the thread's last one when
    // the shape is the same (one model's answers share theirs), else from a process-wide cache.
    private static PayloadSchema? AnswerSchema(RowPrediction answer)
    {
        var last = _lastAnswer;
        if (last is not null && last.Matches(answer))
        {
            return last.Schema;
        }

        var names = answer.Probabilities is { } probabilities ? probabilities.Keys.ToArray() : null;
        var key = string.Concat(answer.Label is null ? "-" : "l", answer.Score is null ? "-" : "s", names is null ? "-" : "p\0" + string.Join("\0", names));
        if (!AnswerSchemas.TryGetValue(key, out var schema))
        {
            schema = AnswerSchemaOf(answer);
            if (AnswerSchemas.Count < MaxAnswerShapes)
            {
                AnswerSchemas.TryAdd(key, schema);
            }
        }

        _lastAnswer = new AnswerShape(answer.Label is not null, answer.Score is not null, names, schema);
        return schema;
    }

    private static PayloadSchema? AnswerSchemaOf(RowPrediction answer)
    {
        // The answer written with every value replaced by 0: the shape ServedJson.Prediction writes.
        var template = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(template))
        {
            writer.WriteStartObject();
            if (answer.Label is not null)
            {
                writer.WriteNumber("label", 0);
            }

            if (answer.Score is not null)
            {
                writer.WriteNumber("score", 0);
            }

            if (answer.Probabilities is { } probabilities)
            {
                writer.WriteStartObject("probabilities");
                foreach (var name in probabilities.Keys)
                {
                    writer.WriteNumber(name, 0);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return PayloadSchema.Parse(template.WrittenSpan) is { } parsed ? PayloadSchemas.Remember(parsed) : null;
    }

    // The shape of a served row: an object whose members are the features, in order, each one scalar.
    private static PayloadSchema? SchemaOf(IReadOnlyList<FeatureSpec> features)
    {
        var template = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(template))
        {
            writer.WriteStartObject();
            foreach (var feature in features)
            {
                writer.WritePropertyName(feature.Name);
                writer.WriteNumberValue(0);
            }

            writer.WriteEndObject();
        }

        return PayloadSchema.Parse(template.WrittenSpan) is { } parsed && parsed.Slots == features.Count ? PayloadSchemas.Remember(parsed) : null;
    }

    private static int WriteServedNumber(ArrayBufferWriter<byte> values, double number)
    {
        if (!double.IsFinite(number))
        {
            return Null; // ServedRows writes NaN and infinities as null
        }

        if (Math.Abs(number) < PlainIntegerBound && number == Math.Floor(number) && !(number == 0 && double.IsNegative(number)))
        {
            return WriteWhole(values, (long)number);
        }

        return WriteNumber(values, number); // a float32 or a double, written back as the same double
    }

    private static int WriteWhole(ArrayBufferWriter<byte> values, long n)
    {
        WriteVarint(values, (ulong)((n << 1) ^ (n >> 63)));
        return Integer;
    }

    private static int WriteServedText(ArrayBufferWriter<byte> values, string? text)
    {
        if (text is null)
        {
            return Null;
        }

        int length;
        try
        {
            length = StrictUtf8.GetByteCount(text);
        }
        catch (EncoderFallbackException)
        {
            return -1; // a lone surrogate: the writer's own handling decides, through the text path
        }

        WriteVarint(values, (ulong)length);
        StrictUtf8.GetBytes(text, values.GetSpan(length));
        values.Advance(length);
        return Text;
    }

    private sealed class AnswerShape(bool label, bool score, string[]? names, PayloadSchema? schema)
    {
        public PayloadSchema? Schema { get; } = schema;

        public bool Matches(RowPrediction answer)
        {
            if ((answer.Label is not null) != label || (answer.Score is not null) != score || (answer.Probabilities is null) != (names is null))
            {
                return false;
            }

            if (answer.Probabilities is not { } probabilities)
            {
                return true;
            }

            if (probabilities.Count != names!.Length)
            {
                return false;
            }

            var i = 0;
            foreach (var name in probabilities.Keys)
            {
                if (!string.Equals(name, names[i++], StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
