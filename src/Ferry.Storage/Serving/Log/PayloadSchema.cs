using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Ferry.Storage.Serving.Log;

/// <summary>What one step of a <see cref="PayloadSchema"/> writes.</summary>
internal enum PayloadOp : byte
{
    /// <summary>A scalar taken from the row (number, string, true, false or null).</summary>
    Slot,

    /// <summary><c>{</c></summary>
    StartObject,

    /// <summary><c>}</c></summary>
    EndObject,

    /// <summary><c>[</c></summary>
    StartArray,

    /// <summary><c>]</c></summary>
    EndArray,

    /// <summary>A member name.</summary>
    Property,
}

/// <summary>
/// The shape of a logged JSON value with its scalars taken out (member names, nesting, arrays' lengths): stored once
/// in <c>prediction_schemas</c>, so a row holds only its values. Its text is that value with every scalar written as
/// <c>0</c>; its id is the first four bytes of the text's SHA-256, so the same shape has the same id in every database
/// and on every replica (content-addressed: registering it is idempotent, and a process may cache it whatever database
/// it came from).
/// </summary>
internal sealed class PayloadSchema
{
    private PayloadSchema(string text, PayloadOp[] ops, JsonEncodedText[] names, int slots)
    {
        Text = text;
        Ops = ops;
        Names = names;
        Slots = slots;
        Id = IdOf(text);
    }

    /// <summary>The id rows refer to (see the class summary).</summary>
    public uint Id { get; }

    /// <summary>The shape as JSON, scalars written as <c>0</c>.</summary>
    public string Text { get; }

    /// <summary>The steps that write a row's JSON.</summary>
    public PayloadOp[] Ops { get; }

    /// <summary>The member names, in the order of the <see cref="PayloadOp.Property"/> steps, pre-encoded.</summary>
    public JsonEncodedText[] Names { get; }

    /// <summary>How many scalars a row holds.</summary>
    public int Slots { get; }

    /// <summary>The id of a schema text.</summary>
    public static uint IdOf(string text) =>
        BinaryPrimitives.ReadUInt32LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Reads the shape of a JSON value (a schema's text, or a row to be encoded); null when it has none.</summary>
    public static PayloadSchema? Parse(ReadOnlySpan<byte> utf8)
    {
        var ops = new List<PayloadOp>();
        var names = new List<JsonEncodedText>();
        var slots = 0;
        var reader = new Utf8JsonReader(utf8);
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject: ops.Add(PayloadOp.StartObject); break;
                    case JsonTokenType.EndObject: ops.Add(PayloadOp.EndObject); break;
                    case JsonTokenType.StartArray: ops.Add(PayloadOp.StartArray); break;
                    case JsonTokenType.EndArray: ops.Add(PayloadOp.EndArray); break;
                    case JsonTokenType.PropertyName:
                        ops.Add(PayloadOp.Property);
                        names.Add(JsonEncodedText.Encode(reader.GetString()!));
                        break;
                    case JsonTokenType.Number or JsonTokenType.String or JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null:
                        ops.Add(PayloadOp.Slot);
                        slots++;
                        break;
                    default:
                        return null;
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        if (ops.Count == 0 || ops[0] is not (PayloadOp.StartObject or PayloadOp.StartArray))
        {
            return null;
        }

        return new PayloadSchema(TextOf(ops, names), [.. ops], [.. names], slots);
    }

    private static string TextOf(List<PayloadOp> ops, List<JsonEncodedText> names)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            var name = 0;
            foreach (var op in ops)
            {
                switch (op)
                {
                    case PayloadOp.StartObject: writer.WriteStartObject(); break;
                    case PayloadOp.EndObject: writer.WriteEndObject(); break;
                    case PayloadOp.StartArray: writer.WriteStartArray(); break;
                    case PayloadOp.EndArray: writer.WriteEndArray(); break;
                    case PayloadOp.Property: writer.WritePropertyName(names[name++]); break;
                    default: writer.WriteNumberValue(0); break;
                }
            }
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
