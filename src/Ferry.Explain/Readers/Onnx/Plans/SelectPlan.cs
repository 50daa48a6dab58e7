namespace Ferry.Explain.Readers.Onnx.Plans;

/// <summary>ArrayFeatureExtractor or Gather on the feature axis with constant indices: a column selection.</summary>
internal sealed class SelectPlan(TensorPlan inner, IReadOnlyList<int> indices)
    : TensorPlan([.. indices.Select(i => inner.Slots[i])], inner.Float32)
{
    public override double[] Evaluate(IReadOnlyDictionary<string, object?> row)
    {
        var all = inner.Evaluate(row);
        return [.. indices.Select(i => all[i])];
    }
}
