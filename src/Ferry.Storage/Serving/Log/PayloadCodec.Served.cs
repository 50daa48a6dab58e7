using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Ferry.Core.Serving;

namespace Ferry.Storage.Serving.Log;

/// <summary>The typed inputs blob written straight from the values a request was served with.</summary>
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

        var scratch = Buffers;
        var tags = scratch.Tags;
        var values = scratch.Values;
        tags.Clear();
        values.ResetWrittenCount();
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
}
