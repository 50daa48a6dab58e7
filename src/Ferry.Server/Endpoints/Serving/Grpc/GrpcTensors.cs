using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Ferry.Core.Errors;
using Ferry.Core.Serving;
using Ferry.Server.Endpoints.Serving.Grpc.Protocol;
using Google.Protobuf;

namespace Ferry.Server.Endpoints.Serving.Grpc;

/// <summary>
/// Tensors between gRPC and the REST route's request model: a <see cref="ModelInferRequest"/> (typed <c>contents</c> or
/// little-endian <c>raw_input_contents</c>) becomes the JSON body the REST route reads, so both transports share one
/// parser and one validation (<see cref="OipRequest"/>); outputs go back typed, or raw when the request was raw (as Triton
/// answers). NaN travels as JSON null (allowed where the model's field allows missing values), infinities as strings
/// (refused as on REST).
/// </summary>
internal static class GrpcTensors
{
    /// <summary>The request as the REST route's JSON body.</summary>
    /// <exception cref="ValidationException">Raw contents do not fit the inputs.</exception>
    public static JsonDocument ToJson(ModelInferRequest request)
    {
        var raw = request.RawInputContents.Count > 0;
        if (raw && request.RawInputContents.Count != request.Inputs.Count)
        {
            throw new ValidationException("raw_input_contents", $"has {request.RawInputContents.Count} entries for {request.Inputs.Count} inputs (one per input, in input order)");
        }

        if (raw && request.Inputs.Any(i => i.Contents is not null))
        {
            throw new ValidationException("inputs", "must not set contents when the request uses raw_input_contents");
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (request.Id.Length > 0)
            {
                writer.WriteString("id", request.Id);
            }

            writer.WriteStartArray("inputs");
            for (var i = 0; i < request.Inputs.Count; i++)
            {
                var input = request.Inputs[i];
                writer.WriteStartObject();
                writer.WriteString("name", input.Name);
                writer.WriteString("datatype", input.Datatype);
                writer.WriteStartArray("shape");
                foreach (var dim in input.Shape)
                {
                    writer.WriteNumberValue(dim);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("data");
                if (raw)
                {
                    WriteRaw(writer, input.Datatype, request.RawInputContents[i].Span, $"raw_input_contents[{i}]");
                }
                else if (input.Contents is { } contents)
                {
                    WriteContents(writer, input.Datatype, contents, $"inputs[{i}].contents");
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (request.Outputs.Count > 0)
            {
                writer.WriteStartArray("outputs");
                foreach (var output in request.Outputs)
                {
                    writer.WriteStartObject();
                    writer.WriteString("name", output.Name);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return JsonDocument.Parse(buffer.WrittenMemory);
    }

    /// <summary>An output tensor in the protocol's datatype: typed contents, or its raw little-endian bytes.</summary>
    public static (ModelInferResponse.Types.InferOutputTensor Tensor, ByteString? Raw) ToOutput(OutputTensor output, bool raw)
    {
        var datatype = OipApi.Datatype(output.ElementType);
        var tensor = new ModelInferResponse.Types.InferOutputTensor { Name = output.Name, Datatype = datatype };
        foreach (var dim in output.Shape)
        {
            tensor.Shape.Add(dim);
        }

        var contents = new InferTensorContents();
        var data = output.Data;
        for (var i = 0; i < data.Length; i++)
        {
            var value = data.GetValue(i);
            var invariant = System.Globalization.CultureInfo.InvariantCulture;
            switch (datatype)
            {
                case "FP32" or "FP16" or "BF16": contents.Fp32Contents.Add(Convert.ToSingle(value, invariant)); break;
                case "FP64": contents.Fp64Contents.Add(Convert.ToDouble(value, invariant)); break;
                case "INT64": contents.Int64Contents.Add(Convert.ToInt64(value, invariant)); break;
                case "INT8" or "INT16" or "INT32": contents.IntContents.Add(Convert.ToInt32(value, invariant)); break;
                case "UINT64": contents.Uint64Contents.Add(Convert.ToUInt64(value, invariant)); break;
                case "UINT8" or "UINT16" or "UINT32": contents.UintContents.Add(Convert.ToUInt32(value, invariant)); break;
                case "BOOL": contents.BoolContents.Add(Convert.ToBoolean(value, invariant)); break;
                default: contents.BytesContents.Add(ByteString.CopyFromUtf8(Convert.ToString(value, invariant) ?? "")); break;
            }
        }

        if (datatype is "FP16" or "BF16")
        {
            tensor.Datatype = "FP32";
        }

        if (!raw)
        {
            tensor.Contents = contents;
            return (tensor, null);
        }

        return (tensor, ToRaw(tensor.Datatype, contents));
    }

    private static ByteString ToRaw(string datatype, InferTensorContents contents)
    {
        var buffer = new ArrayBufferWriter<byte>();
        switch (datatype)
        {
            case "FP32": foreach (var v in contents.Fp32Contents) { BinaryPrimitives.WriteSingleLittleEndian(buffer.GetSpan(4), v); buffer.Advance(4); } break;
            case "FP64": foreach (var v in contents.Fp64Contents) { BinaryPrimitives.WriteDoubleLittleEndian(buffer.GetSpan(8), v); buffer.Advance(8); } break;
            case "INT64": foreach (var v in contents.Int64Contents) { BinaryPrimitives.WriteInt64LittleEndian(buffer.GetSpan(8), v); buffer.Advance(8); } break;
            case "INT32": foreach (var v in contents.IntContents) { BinaryPrimitives.WriteInt32LittleEndian(buffer.GetSpan(4), v); buffer.Advance(4); } break;
            case "INT16": foreach (var v in contents.IntContents) { BinaryPrimitives.WriteInt16LittleEndian(buffer.GetSpan(2), (short)v); buffer.Advance(2); } break;
            case "INT8": foreach (var v in contents.IntContents) { buffer.GetSpan(1)[0] = (byte)(sbyte)v; buffer.Advance(1); } break;
            case "UINT64": foreach (var v in contents.Uint64Contents) { BinaryPrimitives.WriteUInt64LittleEndian(buffer.GetSpan(8), v); buffer.Advance(8); } break;
            case "UINT32": foreach (var v in contents.UintContents) { BinaryPrimitives.WriteUInt32LittleEndian(buffer.GetSpan(4), v); buffer.Advance(4); } break;
            case "UINT16": foreach (var v in contents.UintContents) { BinaryPrimitives.WriteUInt16LittleEndian(buffer.GetSpan(2), (ushort)v); buffer.Advance(2); } break;
            case "UINT8": foreach (var v in contents.UintContents) { buffer.GetSpan(1)[0] = (byte)v; buffer.Advance(1); } break;
            case "BOOL": foreach (var v in contents.BoolContents) { buffer.GetSpan(1)[0] = v ? (byte)1 : (byte)0; buffer.Advance(1); } break;
            default:
                foreach (var v in contents.BytesContents)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(buffer.GetSpan(4), (uint)v.Length);
                    buffer.Advance(4);
                    buffer.Write(v.Span);
                }

                break;
        }

        return ByteString.CopyFrom(buffer.WrittenSpan);
    }

    private static void WriteContents(Utf8JsonWriter writer, string datatype, InferTensorContents contents, string key)
    {
        var field = Field(datatype);
        var filled = Filled(contents);
        if (field is not null && filled is not null && filled != field)
        {
            throw new ValidationException(key, $"datatype {datatype} reads {field}, but the values are in {filled}");
        }

        switch (datatype)
        {
            case "BOOL": foreach (var v in contents.BoolContents) { writer.WriteBooleanValue(v); } break;
            case "INT8" or "INT16" or "INT32": foreach (var v in contents.IntContents) { writer.WriteNumberValue(v); } break;
            case "INT64": foreach (var v in contents.Int64Contents) { writer.WriteNumberValue(v); } break;
            case "UINT8" or "UINT16" or "UINT32": foreach (var v in contents.UintContents) { writer.WriteNumberValue(v); } break;
            case "UINT64": foreach (var v in contents.Uint64Contents) { writer.WriteNumberValue(v); } break;
            case "FP32": foreach (var v in contents.Fp32Contents) { WriteFloat(writer, v); } break;
            case "FP64": foreach (var v in contents.Fp64Contents) { WriteFloat(writer, v); } break;
            case "BYTES": foreach (var v in contents.BytesContents) { writer.WriteStringValue(Utf8(v.Span, key)); } break;
            case "FP16" or "BF16": throw new ValidationException(key, $"{datatype} has no typed contents field; send it as raw_input_contents");
            default: break; // an unknown datatype is named by the request's own check
        }
    }

    // The contents field a datatype's values travel in (null for raw-only and unknown datatypes).
    private static string? Field(string datatype) => datatype switch
    {
        "BOOL" => "bool_contents",
        "INT8" or "INT16" or "INT32" => "int_contents",
        "INT64" => "int64_contents",
        "UINT8" or "UINT16" or "UINT32" => "uint_contents",
        "UINT64" => "uint64_contents",
        "FP32" => "fp32_contents",
        "FP64" => "fp64_contents",
        "BYTES" => "bytes_contents",
        _ => null,
    };

    // The first contents field holding values, if any.
    private static string? Filled(InferTensorContents contents) =>
        contents.BoolContents.Count > 0 ? "bool_contents"
        : contents.IntContents.Count > 0 ? "int_contents"
        : contents.Int64Contents.Count > 0 ? "int64_contents"
        : contents.UintContents.Count > 0 ? "uint_contents"
        : contents.Uint64Contents.Count > 0 ? "uint64_contents"
        : contents.Fp32Contents.Count > 0 ? "fp32_contents"
        : contents.Fp64Contents.Count > 0 ? "fp64_contents"
        : contents.BytesContents.Count > 0 ? "bytes_contents"
        : null;

    private static void WriteRaw(Utf8JsonWriter writer, string datatype, ReadOnlySpan<byte> bytes, string key)
    {
        var size = datatype switch
        {
            "BOOL" or "INT8" or "UINT8" => 1,
            "INT16" or "UINT16" or "FP16" or "BF16" => 2,
            "INT32" or "UINT32" or "FP32" => 4,
            "INT64" or "UINT64" or "FP64" => 8,
            _ => 0,
        };
        if (datatype == "BYTES")
        {
            while (bytes.Length > 0)
            {
                if (bytes.Length < 4 || BinaryPrimitives.ReadUInt32LittleEndian(bytes) is var length && length > bytes.Length - 4)
                {
                    throw new ValidationException(key, "BYTES elements must each be a 4-byte little-endian length followed by that many bytes");
                }

                writer.WriteStringValue(Utf8(bytes.Slice(4, (int)length), key));
                bytes = bytes[(4 + (int)length)..];
            }

            return;
        }

        if (size == 0)
        {
            return; // an unknown datatype is named by the request's own check
        }

        if (bytes.Length % size != 0)
        {
            throw new ValidationException(key, $"has {bytes.Length} bytes, not a whole number of {datatype} elements ({size} bytes each)");
        }

        for (var offset = 0; offset < bytes.Length; offset += size)
        {
            var element = bytes.Slice(offset, size);
            switch (datatype)
            {
                case "BOOL": writer.WriteBooleanValue(element[0] != 0); break;
                case "INT8": writer.WriteNumberValue((sbyte)element[0]); break;
                case "UINT8": writer.WriteNumberValue(element[0]); break;
                case "INT16": writer.WriteNumberValue(BinaryPrimitives.ReadInt16LittleEndian(element)); break;
                case "UINT16": writer.WriteNumberValue(BinaryPrimitives.ReadUInt16LittleEndian(element)); break;
                case "FP16": WriteFloat(writer, (float)BinaryPrimitives.ReadHalfLittleEndian(element)); break;
                case "BF16": WriteFloat(writer, BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(element) << 16)); break;
                case "INT32": writer.WriteNumberValue(BinaryPrimitives.ReadInt32LittleEndian(element)); break;
                case "UINT32": writer.WriteNumberValue(BinaryPrimitives.ReadUInt32LittleEndian(element)); break;
                case "FP32": WriteFloat(writer, BinaryPrimitives.ReadSingleLittleEndian(element)); break;
                case "INT64": writer.WriteNumberValue(BinaryPrimitives.ReadInt64LittleEndian(element)); break;
                case "UINT64": writer.WriteNumberValue(BinaryPrimitives.ReadUInt64LittleEndian(element)); break;
                default: WriteFloat(writer, BinaryPrimitives.ReadDoubleLittleEndian(element)); break;
            }
        }
    }

    // NaN is JSON null (a missing value); infinities are strings, which the field check refuses as on REST.
    private static void WriteFloat(Utf8JsonWriter writer, float value)
    {
        if (float.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            WriteNonFinite(writer, value);
        }
    }

    private static void WriteFloat(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            WriteNonFinite(writer, value);
        }
    }

    private static void WriteNonFinite(Utf8JsonWriter writer, double value)
    {
        if (double.IsNaN(value))
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value > 0 ? "Infinity" : "-Infinity");
        }
    }

    private static string Utf8(ReadOnlySpan<byte> bytes, string key)
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new ValidationException(key, "BYTES elements must be UTF-8 text");
        }
    }
}
