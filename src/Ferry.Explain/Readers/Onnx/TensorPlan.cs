namespace Ferry.Explain.Readers.Onnx;

/// <summary>
/// How one tensor of a preprocessing graph is computed from the model's inputs: its slots (each traced to a source
/// feature) and an evaluator for one row. <see cref="Float32"/> tensors are rounded to float after every operation,
/// as ONNX Runtime computes them, so split decisions match the runtime's.
/// </summary>
internal abstract class TensorPlan(IReadOnlyList<FeatureSlot> slots, bool float32)
{
    public IReadOnlyList<FeatureSlot> Slots { get; } = slots;

    public int Width => Slots.Count;

    public bool Float32 { get; } = float32;

    public abstract double[] Evaluate(IReadOnlyDictionary<string, object?> row);

    protected double Round(double value) => Float32 ? (float)value : value;
}
