namespace Ferry.Explain.Readers.Onnx.Plans;

/// <summary>ONNX Cast between number types: to float rounds to float32, to an integer type truncates.</summary>
internal sealed class CastPlan(TensorPlan inner, bool toFloat32, bool toInteger) : TensorPlan(inner.Slots, toFloat32)
{
    public override double[] Evaluate(IReadOnlyDictionary<string, object?> row)
    {
        var values = inner.Evaluate(row);
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = toInteger ? Math.Truncate(values[i]) : Round(values[i]);
        }

        return values;
    }
}
