using Ferry.Core.Serving;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Ferry.Runtimes.Onnx;

/// <summary>
/// One row's input tensors, created once over pinned buffers (and native string tensors) and refilled for each
/// single-row request, so scoring one row creates no <see cref="OrtValue"/> and allocates nothing per input.
/// </summary>
/// <remarks>
/// An instance is used by one run at a time (<see cref="OnnxLoadedModel"/> pools them); ONNX Runtime only reads its
/// inputs during a run, so refilling the same buffers between runs is safe. Numbers are converted exactly as
/// <see cref="OnnxInputPlan.Bind"/> converts them (double to float by a cast; int64 to int32 checked).
/// </remarks>
internal sealed class OnnxRowInputs : IDisposable
{
    private readonly OnnxInputPlan.Binding[] _bindings;
    private readonly Array?[] _buffers; // per input: its pinned buffer, or null for a string tensor

    public OnnxRowInputs(IReadOnlyList<OnnxInputPlan.Binding> bindings)
    {
        _bindings = [.. bindings];
        _buffers = new Array?[_bindings.Length];
        Values = new OrtValue[_bindings.Length];
        try
        {
            for (var i = 0; i < _bindings.Length; i++)
            {
                var binding = _bindings[i];
                var width = binding.FeatureNames.Length;
                long[] shape = binding.Rank == 1 ? [1] : [1, width];
                (_buffers[i], Values[i]) = binding.ElementType switch
                {
                    TensorElementType.Float => Pinned<float>(width, shape),
                    TensorElementType.Double => Pinned<double>(width, shape),
                    TensorElementType.Int64 => Pinned<long>(1, shape),
                    TensorElementType.Int32 => Pinned<int>(1, shape),
                    TensorElementType.Bool => Pinned<bool>(1, shape),
                    _ => ((Array?)null, OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape)),
                };
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The input values, in the order of <see cref="OnnxInputPlan.InputNames"/>.</summary>
    public OrtValue[] Values { get; }

    /// <summary>Writes row 0 of <paramref name="batch"/> (a one-row batch) into the tensors.</summary>
    /// <exception cref="ArgumentException">A column is missing or holds the wrong type of array.</exception>
    /// <exception cref="OverflowException">A whole number does not fit an int32 input.</exception>
    public void Fill(FeatureBatch batch)
    {
        for (var i = 0; i < _bindings.Length; i++)
        {
            var binding = _bindings[i];
            switch (_buffers[i])
            {
                case float[] floats:
                    for (var f = 0; f < floats.Length; f++)
                    {
                        floats[f] = (float)binding.Column<double>(batch, f)[0];
                    }

                    break;
                case double[] doubles:
                    for (var f = 0; f < doubles.Length; f++)
                    {
                        doubles[f] = binding.Column<double>(batch, f)[0];
                    }

                    break;
                case long[] longs:
                    longs[0] = binding.Column<long>(batch, 0)[0];
                    break;
                case int[] ints:
                    ints[0] = checked((int)binding.Column<long>(batch, 0)[0]);
                    break;
                case bool[] bools:
                    bools[0] = binding.Column<bool>(batch, 0)[0];
                    break;
                default:
                    Values[i].StringTensorSetElementAt((binding.Column<string>(batch, 0)[0] ?? "").AsSpan(), 0);
                    break;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var value in Values)
        {
            value?.Dispose();
        }
    }

    // A pinned array never moves, so the tensor made over it stays valid for the instance's life.
    private static (Array, OrtValue) Pinned<T>(int length, long[] shape)
        where T : unmanaged
    {
        var buffer = GC.AllocateArray<T>(length, pinned: true);
        return (buffer, OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffer.AsMemory(), shape));
    }
}
