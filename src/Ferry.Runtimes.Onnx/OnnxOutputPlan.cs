using System.Globalization;
using Ferry.Core.Serving;
using Ferry.Core.Signatures;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Ferry.Runtimes.Onnx;

/// <summary>
/// Which graph outputs carry the label, the class probabilities and the score, and how they become
/// <see cref="RowPrediction"/>s and raw <see cref="OutputTensor"/>s.
/// </summary>
/// <remarks>
/// <para>Roles, chosen once at load time: the <b>label</b> is the first <c>int64</c>/<c>int32</c>/<c>string</c> tensor
/// of shape <c>[-1]</c> or <c>[-1,1]</c>; the <b>probabilities</b> are the first <c>seq(map(int64|string, float))</c>
/// output (scikit-learn's ZipMap, whose keys are the class labels), else the first <c>float</c>/<c>double</c> tensor
/// <c>[-1,k]</c> with k ≠ 1, whose columns are named by the metadata property <c>ferry.class_labels</c>
/// (comma-separated) or else <c>"0"</c>..<c>"k-1"</c>; the <b>score</b>, only when there are no probabilities, is the
/// first <c>float</c>/<c>double</c> tensor <c>[-1]</c> or <c>[-1,1]</c> (a regressor).</para>
/// <para>Per row: with probabilities but no label output, the label is the most probable class; with exactly two
/// classes, <see cref="RowPrediction.Score"/> is the probability of the second class (the positive one, as in
/// scikit-learn's <c>classes_</c> order).</para>
/// <para>Raw outputs: every tensor output is copied out as-is; a ZipMap output is returned under its own name as a
/// <c>float32</c> tensor <c>[rows, k]</c> in its key order (the Open Inference Protocol has no maps); other
/// sequences and maps are left out.</para>
/// </remarks>
internal sealed class OnnxOutputPlan
{
    /// <summary>The metadata property naming the columns of a probability tensor.</summary>
    public const string ClassLabelsKey = "ferry.class_labels";

    private readonly int _label = -1;
    private readonly int _probabilities = -1;
    private readonly bool _zipMap;
    private readonly int _score = -1;
    private readonly string[]? _classLabels;

    private OnnxOutputPlan(IReadOnlyList<string> names, IReadOnlyDictionary<string, NodeMetadata> metadata, string? classLabels)
    {
        OutputNames = names;
        for (var i = 0; i < names.Count; i++)
        {
            var m = metadata[names[i]];
            if (m.OnnxValueType == OnnxValueType.ONNX_TYPE_SEQUENCE && _probabilities < 0 && !_zipMap
                && m.AsSequenceMetadata().ElementMeta.OnnxValueType == OnnxValueType.ONNX_TYPE_MAP)
            {
                (_probabilities, _zipMap) = (i, true);
            }

            if (m.OnnxValueType != OnnxValueType.ONNX_TYPE_TENSOR)
            {
                continue;
            }

            var dims = m.Dimensions;
            var column = dims.Length == 1 || (dims.Length == 2 && dims[1] == 1);
            var real = m.ElementDataType is TensorElementType.Float or TensorElementType.Double;
            if (_label < 0 && column && m.ElementDataType is TensorElementType.Int64 or TensorElementType.Int32 or TensorElementType.String)
            {
                _label = i;
            }
            else if (_probabilities < 0 && real && dims.Length == 2 && dims[1] != 1)
            {
                _probabilities = i;
            }
            else if (_score < 0 && real && column)
            {
                _score = i;
            }
        }

        if (_probabilities >= 0)
        {
            _score = -1;
        }

        if (!string.IsNullOrWhiteSpace(classLabels))
        {
            _classLabels = classLabels.Split(',', StringSplitOptions.TrimEntries);
        }
    }

    /// <summary>All graph outputs, in order.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>Derives the roles from the session's outputs and metadata.</summary>
    public static OnnxOutputPlan Create(InferenceSession session)
    {
        session.ModelMetadata.CustomMetadataMap.TryGetValue(ClassLabelsKey, out var classLabels);
        return new OnnxOutputPlan(session.OutputNames, session.OutputMetadata, classLabels);
    }

    /// <summary>Turns one run's outputs into per-row predictions and raw tensors.</summary>
    public InferenceResult Map(IReadOnlyList<OrtValue> outputs, int rows)
    {
        var raw = new List<OutputTensor>(outputs.Count);
        float[]? probabilities = null;
        string[]? classes = null;
        for (var i = 0; i < outputs.Count; i++)
        {
            if (i == _probabilities && _zipMap)
            {
                (probabilities, classes) = ReadZipMap(outputs[i], rows);
                raw.Add(new OutputTensor(OutputNames[i], ElementTypes.Float32, [rows, classes.Length], probabilities));
            }
            else if (outputs[i].OnnxType == OnnxValueType.ONNX_TYPE_TENSOR)
            {
                raw.Add(OnnxTensors.Copy(OutputNames[i], outputs[i]));
            }
        }

        var tensors = raw.ToDictionary(t => t.Name, StringComparer.Ordinal);
        double[]? probabilityValues = null;
        var k = 0;
        if (_probabilities >= 0)
        {
            if (probabilities is not null)
            {
                probabilityValues = Array.ConvertAll(probabilities, p => (double)p);
            }
            else
            {
                var tensor = tensors[OutputNames[_probabilities]];
                probabilityValues = OnnxTensors.ToDoubles(tensor.Data);
                classes = ClassLabels(tensor.Shape[^1]);
            }

            k = classes!.Length;
        }

        string[]? labels = _label >= 0 ? OnnxTensors.ToLabels(tensors[OutputNames[_label]].Data) : null;
        double[]? scores = _score >= 0 ? OnnxTensors.ToDoubles(tensors[OutputNames[_score]].Data) : null;
        var predictions = new RowPrediction[rows];
        for (var r = 0; r < rows; r++)
        {
            string? label = labels?[r];
            double? score = scores?[r];
            Dictionary<string, double>? byClass = null;
            if (probabilityValues is not null)
            {
                byClass = new Dictionary<string, double>(k, StringComparer.Ordinal);
                var best = 0;
                for (var c = 0; c < k; c++)
                {
                    var p = probabilityValues[(r * k) + c];
                    byClass[classes![c]] = p;
                    best = p > probabilityValues[(r * k) + best] ? c : best;
                }

                label ??= classes![best];
                score = k == 2 ? probabilityValues[(r * k) + 1] : null;
            }

            predictions[r] = new RowPrediction(label, score, byClass);
        }

        return new InferenceResult(predictions, raw);
    }

    private string[] ClassLabels(int k) =>
        _classLabels is not null && _classLabels.Length == k
            ? _classLabels
            : Enumerable.Range(0, k).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

    private static (float[] Values, string[] Classes) ReadZipMap(OrtValue sequence, int rows)
    {
        var allocator = OrtAllocator.DefaultInstance;
        string[]? classes = null;
        float[]? values = null;
        var count = sequence.GetValueCount();
        for (var r = 0; r < count; r++)
        {
            using var map = sequence.GetValue(r, allocator);
            using var keys = map.GetValue(0, allocator);
            using var probabilities = map.GetValue(1, allocator);
            if (classes is null)
            {
                classes = keys.GetTensorTypeAndShape().ElementDataType == TensorElementType.String
                    ? keys.GetStringTensorAsArray()
                    : OnnxTensors.ToLabels(keys.GetTensorDataAsSpan<long>().ToArray());
                values = new float[rows * classes.Length];
            }

            var span = probabilities.GetTensorDataAsSpan<float>();
            span.CopyTo(values.AsSpan(r * classes.Length, classes.Length));
        }

        return (values ?? [], classes ?? []);
    }
}
