using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Ferry.Explain.Tests;

/// <summary>
/// Runs an ONNX model with ONNX Runtime on rows of named columns (one graph input per column, [N, 1] float or
/// string), returning one float output as doubles: the reference a brute-force Shapley game is played on.
/// </summary>
internal sealed class OnnxRunner(string path) : IDisposable
{
    private readonly InferenceSession _session = new(path);

    /// <summary>The rows of output <paramref name="output"/> ([N, k] floats) for <paramref name="rows"/>.</summary>
    public double[][] Run(IReadOnlyList<IReadOnlyDictionary<string, object?>> rows, string output)
    {
        var inputs = new List<NamedOnnxValue>();
        foreach (var (name, meta) in _session.InputMetadata)
        {
            int[] shape = [rows.Count, 1];
            inputs.Add(meta.ElementType == typeof(string)
                ? NamedOnnxValue.CreateFromTensor(name, new DenseTensor<string>(rows.Select(r => (string)r[name]!).ToArray(), shape))
                : NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(rows.Select(r => (float)Convert.ToDouble(r[name], System.Globalization.CultureInfo.InvariantCulture)).ToArray(), shape)));
        }

        using var results = _session.Run(inputs, [output]);
        var tensor = results[0].AsTensor<float>();
        var width = tensor.Dimensions.Length > 1 ? tensor.Dimensions[1] : 1;
        return [.. Enumerable.Range(0, rows.Count).Select(i => Enumerable.Range(0, width).Select(k => (double)tensor.GetValue((i * width) + k)).ToArray())];
    }

    public void Dispose() => _session.Dispose();
}
