using System.Globalization;
using Ferry.Core.Serving;
using Ferry.Core.Signatures;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Ferry.Runtimes.Onnx;

/// <summary>Copies ONNX Runtime output tensors into managed arrays and reads them as labels or numbers.</summary>
internal static class OnnxTensors
{
    /// <summary>Copies a tensor output into an <see cref="OutputTensor"/> (the native buffer dies with the run).</summary>
    public static OutputTensor Copy(string name, OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        var shape = Array.ConvertAll(info.Shape, d => checked((int)d));
        return info.ElementDataType switch
        {
            TensorElementType.Float => new(name, ElementTypes.Float32, shape, value.GetTensorDataAsSpan<float>().ToArray()),
            TensorElementType.Double => new(name, ElementTypes.Float64, shape, value.GetTensorDataAsSpan<double>().ToArray()),
            TensorElementType.Int64 => new(name, ElementTypes.Int64, shape, value.GetTensorDataAsSpan<long>().ToArray()),
            TensorElementType.Int32 => new(name, ElementTypes.Int32, shape, value.GetTensorDataAsSpan<int>().ToArray()),
            TensorElementType.Bool => new(name, ElementTypes.Bool, shape, value.GetTensorDataAsSpan<bool>().ToArray()),
            TensorElementType.String => new(name, ElementTypes.String, shape, value.GetStringTensorAsArray()),
            var other => throw new NotSupportedException($"The output '{name}' has the element type {other}, which Ferry does not return."),
        };
    }

    /// <summary>Reads float32/float64 data as doubles.</summary>
    public static double[] ToDoubles(Array data) => data switch
    {
        double[] doubles => doubles,
        float[] floats => Array.ConvertAll(floats, f => (double)f),
        _ => throw new NotSupportedException($"Expected float or double data, got {data.GetType().Name}."),
    };

    /// <summary>Reads label data (int64, int32 or string) as text.</summary>
    public static string[] ToLabels(Array data) => data switch
    {
        string[] strings => strings,
        long[] longs => Array.ConvertAll(longs, l => l.ToString(CultureInfo.InvariantCulture)),
        int[] ints => Array.ConvertAll(ints, i => i.ToString(CultureInfo.InvariantCulture)),
        _ => throw new NotSupportedException($"Expected label data, got {data.GetType().Name}."),
    };
}
