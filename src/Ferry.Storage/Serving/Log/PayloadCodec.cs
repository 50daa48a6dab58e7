using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Ferry.Storage.Serving.Log;

/// <summary>
/// How the prediction log stores a row's inputs and outputs (JSON text in <c>PredictionRecord</c>) in a blob.
/// </summary>
/// <remarks>
/// <para>Typed (first byte 1): the schema id (4 bytes, see <see cref="PayloadSchema"/>), one 4-bit tag per scalar,
/// then the scalars: integers as zig-zag varints, numbers a float32 holds exactly in 4 bytes, others in 8, strings as
/// a varint length and UTF-8. Decoding writes the schema's steps with the values through <see cref="Utf8JsonWriter"/>,
/// the writer the router logs with; a row is stored typed only when decoding it gives back its exact bytes, so the
/// text (and the seals' digests over it) never changes.</para>
/// <para>Raw: UTF-8 JSON as it is (rows that have no typed form, and the rows migrated from the text columns, whose
/// first byte is printable), or first byte 0 and then UTF-8 for a text that itself starts with byte 0 or 1.</para>
/// </remarks>
internal static partial class PayloadCodec
{
    /// <summary>First byte of a typed blob.</summary>
    public const byte Typed = 1;

    /// <summary>First byte of a raw blob whose text starts with byte 0 or 1.</summary>
    public const byte Escaped = 0;

    private const int Null = 0, False = 1, True = 2, Integer = 3, Single = 4, Double = 5, Text = 6;
    private const int Header = 5;
    private const ulong FnvOffset = 14695981039346656037, FnvPrime = 1099511628211;

    [ThreadStatic]
    private static Scratch? _scratch;

    private static Scratch Buffers => _scratch ??= new Scratch();

    /// <summary>The blob for a JSON text, typed when it can be; <paramref name="schema"/> is the schema it refers to.</summary>
    public static byte[] Encode(string json, out PayloadSchema? schema)
    {
        ArgumentNullException.ThrowIfNull(json);
        var utf8 = Encoding.UTF8.GetBytes(json);
        schema = null;
        if (utf8.Length > 0 && utf8[0] == (byte)'{' || utf8.Length > 0 && utf8[0] == (byte)'[')
        {
            var typed = TryEncode(utf8, out schema);
            if (typed is not null)
            {
                return typed;
            }
        }

        return Raw(utf8);
    }

    /// <summary>The raw blob for a JSON text (what EF writes: it cannot register schemas).</summary>
    public static byte[] EncodeRaw(string json) => Raw(Encoding.UTF8.GetBytes(json));

    /// <summary>The JSON text a blob holds.</summary>
    /// <exception cref="InvalidOperationException">A typed blob's schema is unknown or the blob is damaged.</exception>
    public static string Decode(byte[] blob)
    {
        ArgumentNullException.ThrowIfNull(blob);
        if (blob.Length == 0)
        {
            return string.Empty;
        }

        return blob[0] switch
        {
            Escaped => Encoding.UTF8.GetString(blob, 1, blob.Length - 1),
            Typed => Encoding.UTF8.GetString(DecodeTyped(blob, Buffers)),
            _ => Encoding.UTF8.GetString(blob),
        };
    }

    private static byte[] Raw(byte[] utf8)
    {
        if (utf8.Length == 0 || utf8[0] > Typed)
        {
            return utf8;
        }

        var escaped = new byte[utf8.Length + 1];
        utf8.CopyTo(escaped, 1);
        return escaped;
    }

    private static byte[]? TryEncode(byte[] utf8, out PayloadSchema? schema)
    {
        schema = null;
        var scratch = Buffers;
        var tags = scratch.Tags;
        var values = scratch.Values;
        tags.Clear();
        values.ResetWrittenCount();
        var shape = FnvOffset;
        try
        {
            var reader = new Utf8JsonReader(utf8);
            while (reader.Read())
            {
                shape = Mix(shape, (byte)reader.TokenType);
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        foreach (var b in reader.ValueSpan)
                        {
                            shape = Mix(shape, b);
                        }

                        shape = Mix(shape, reader.ValueIsEscaped ? (byte)1 : (byte)0);
                        break;
                    case JsonTokenType.Number:
                        if (!reader.TryGetDouble(out var number))
                        {
                            return null;
                        }

                        tags.Add(WriteNumber(values, number));
                        break;
                    case JsonTokenType.String:
                        tags.Add(Text);
                        WriteText(values, reader);
                        break;
                    case JsonTokenType.True: tags.Add(True); break;
                    case JsonTokenType.False: tags.Add(False); break;
                    case JsonTokenType.Null: tags.Add(Null); break;
                    case JsonTokenType.StartObject or JsonTokenType.EndObject or JsonTokenType.StartArray or JsonTokenType.EndArray: break;
                    default: return null;
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        schema = PayloadSchemas.ForShape(shape);
        if (schema is null)
        {
            schema = PayloadSchema.Parse(utf8) is { } parsed ? PayloadSchemas.Remember(parsed, shape) : null;
            if (schema is null)
            {
                return null;
            }
        }

        if (schema.Slots != tags.Count)
        {
            schema = null;
            return null;
        }

        var blob = Pack(schema, tags, values);
        if (!RoundTrips(blob, scratch, schema, utf8))
        {
            schema = null;
            return null; // the writer would not give back these exact bytes: keep them raw
        }

        return blob;
    }

    // The typed blob: tag byte, schema id, the 4-bit tags two to a byte, then the values.
    private static byte[] Pack(PayloadSchema schema, List<int> tags, ArrayBufferWriter<byte> values)
    {
        var blob = new byte[Header + ((tags.Count + 1) / 2) + values.WrittenCount];
        blob[0] = Typed;
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(1), schema.Id);
        for (var i = 0; i < tags.Count; i++)
        {
            blob[Header + (i / 2)] |= (byte)(tags[i] << (i % 2 * 4));
        }

        values.WrittenSpan.CopyTo(blob.AsSpan(Header + ((tags.Count + 1) / 2)));
        return blob;
    }

    private static bool RoundTrips(byte[] blob, Scratch scratch, PayloadSchema schema, byte[] utf8)
    {
        try
        {
            return DecodeTyped(blob, scratch, schema).SequenceEqual(utf8);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static ulong Mix(ulong hash, byte value) => (hash ^ value) * FnvPrime;

    private static int WriteNumber(ArrayBufferWriter<byte> values, double number)
    {
        if (Math.Abs(number) < 9e15 && number == Math.Floor(number) && !(number == 0 && double.IsNegative(number)))
        {
            var n = (long)number;
            WriteVarint(values, (ulong)((n << 1) ^ (n >> 63)));
            return Integer;
        }

        if ((double)(float)number == number)
        {
            BinaryPrimitives.WriteSingleLittleEndian(values.GetSpan(4), (float)number);
            values.Advance(4);
            return Single;
        }

        BinaryPrimitives.WriteDoubleLittleEndian(values.GetSpan(8), number);
        values.Advance(8);
        return Double;
    }

    private static void WriteText(ArrayBufferWriter<byte> values, Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            WriteVarint(values, (ulong)reader.ValueSpan.Length);
            values.Write(reader.ValueSpan);
            return;
        }

        var text = Encoding.UTF8.GetBytes(reader.GetString()!);
        WriteVarint(values, (ulong)text.Length);
        values.Write(text);
    }

    /// <summary>Appends <paramref name="value"/> as a varint (seven bits a byte, low first; the high bit says more follow).</summary>
    internal static void WriteVarint(ArrayBufferWriter<byte> values, ulong value)
    {
        var span = values.GetSpan(10);
        var n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[n++] = (byte)value;
        values.Advance(n);
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> blob, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = blob[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }

    private static ReadOnlySpan<byte> DecodeTyped(byte[] blob, Scratch scratch, PayloadSchema? schema = null)
    {
        schema ??= PayloadSchemas.Get(BinaryPrimitives.ReadUInt32LittleEndian(blob.AsSpan(1)));
        var output = scratch.Output;
        output.ResetWrittenCount();
        var writer = scratch.Writer;
        writer.Reset(output);
        var at = Header + ((schema.Slots + 1) / 2);
        var slot = 0;
        var name = 0;
        try
        {
            foreach (var op in schema.Ops)
            {
                switch (op)
                {
                    case PayloadOp.StartObject: writer.WriteStartObject(); break;
                    case PayloadOp.EndObject: writer.WriteEndObject(); break;
                    case PayloadOp.StartArray: writer.WriteStartArray(); break;
                    case PayloadOp.EndArray: writer.WriteEndArray(); break;
                    case PayloadOp.Property: writer.WritePropertyName(schema.Names[name++]); break;
                    default:
                        var tag = (blob[Header + (slot / 2)] >> (slot % 2 * 4)) & 0xF;
                        slot++;
                        WriteSlot(writer, blob, tag, ref at);
                        break;
                }
            }

            writer.Flush();
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidOperationException($"A typed prediction payload does not match its schema {schema.Id}.", e);
        }

        return output.WrittenSpan;
    }

    private static void WriteSlot(Utf8JsonWriter writer, byte[] blob, int tag, ref int at)
    {
        switch (tag)
        {
            case Null: writer.WriteNullValue(); break;
            case False: writer.WriteBooleanValue(false); break;
            case True: writer.WriteBooleanValue(true); break;
            case Integer:
                var zigzag = ReadVarint(blob, ref at);
                writer.WriteNumberValue((long)(zigzag >> 1) ^ -(long)(zigzag & 1));
                break;
            case Single:
                writer.WriteNumberValue((double)BinaryPrimitives.ReadSingleLittleEndian(blob.AsSpan(at)));
                at += 4;
                break;
            case Double:
                writer.WriteNumberValue(BinaryPrimitives.ReadDoubleLittleEndian(blob.AsSpan(at)));
                at += 8;
                break;
            case Text:
                var length = (int)ReadVarint(blob, ref at);
                writer.WriteStringValue(blob.AsSpan(at, length));
                at += length;
                break;
            default:
                throw new InvalidOperationException($"Unknown payload tag {tag}.");
        }
    }

    private sealed class Scratch
    {
        public Scratch() => Writer = new Utf8JsonWriter(Output);

        public List<int> Tags { get; } = new(32);

        public ArrayBufferWriter<byte> Values { get; } = new(256);

        public ArrayBufferWriter<byte> Output { get; } = new(1024);

        public Utf8JsonWriter Writer { get; }
    }
}
