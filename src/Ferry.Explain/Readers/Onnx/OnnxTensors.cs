using System.Buffers.Binary;
using Onnx;

namespace Ferry.Explain.Readers.Onnx;

/// <summary>Reads numeric ONNX tensors (typed fields or little-endian raw_data) as doubles.</summary>
internal static class OnnxTensors
{
    public const int Float = 1;
    public const int Int32 = 6;
    public const int Int64 = 7;
    public const int String = 8;
    public const int Double = 11;

    public static double[] ToDoubles(TensorProto tensor)
    {
        var raw = tensor.RawData.Span;
        return tensor.DataType switch
        {
            Float when raw.Length > 0 => Read(raw, 4, b => BinaryPrimitives.ReadSingleLittleEndian(b)),
            Float => [.. tensor.FloatData.Select(v => (double)v)],
            Double when raw.Length > 0 => Read(raw, 8, BinaryPrimitives.ReadDoubleLittleEndian),
            Double => [.. tensor.DoubleData],
            Int64 when raw.Length > 0 => Read(raw, 8, b => BinaryPrimitives.ReadInt64LittleEndian(b)),
            Int64 => [.. tensor.Int64Data.Select(v => (double)v)],
            Int32 when raw.Length > 0 => Read(raw, 4, b => BinaryPrimitives.ReadInt32LittleEndian(b)),
            Int32 => [.. tensor.Int32Data.Select(v => (double)v)],
            _ => throw new NotSupportedException($"Tensor '{tensor.Name}' has element type {tensor.DataType}, not a supported number type."),
        };
    }

    private static double[] Read(ReadOnlySpan<byte> raw, int size, ReadValue read)
    {
        var values = new double[raw.Length / size];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = read(raw.Slice(i * size, size));
        }

        return values;
    }

    private delegate double ReadValue(ReadOnlySpan<byte> bytes);
}
