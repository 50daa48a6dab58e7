using Ferry.Explain.Readers.Onnx;

namespace Ferry.Explain.Readers;

/// <summary>
/// Computes, in C#, the feature vector an ONNX model's preprocessing feeds its tree or linear node, from a row of
/// named inputs (input name → number, string or array; a multi-column input may also be given column by column
/// under its columns' source names). Float tensors are rounded to float32 after every op, as ONNX Runtime does.
/// </summary>
public sealed class OnnxFeaturizer
{
    private readonly TensorPlan _plan;

    internal OnnxFeaturizer(TensorPlan plan) => _plan = plan;

    /// <summary>The slots of the feature vector, each traced to its source feature.</summary>
    public IReadOnlyList<FeatureSlot> Slots => _plan.Slots;

    /// <summary>The feature vector's length.</summary>
    public int Width => _plan.Width;

    /// <summary>The feature vector for <paramref name="row"/>.</summary>
    public double[] Featurize(IReadOnlyDictionary<string, object?> row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return _plan.Evaluate(row);
    }
}
