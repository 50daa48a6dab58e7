namespace Ferry.Explain.Readers.Onnx.Plans;

/// <summary>
/// ai.onnx.ml Binarizer: each slot becomes 1 when its value is above the threshold, else 0, keeping its source. A NaN
/// fails, as it does in ONNX Runtime.
/// </summary>
internal sealed class BinarizerPlan(TensorPlan inner, double threshold) : TensorPlan(inner.Slots, inner.Float32)
{
    public override double[] Evaluate(IReadOnlyDictionary<string, object?> row)
    {
        var values = inner.Evaluate(row);
        for (var i = 0; i < values.Length; i++)
        {
            if (double.IsNaN(values[i]))
            {
                throw new ArgumentException($"A Binarizer input of '{Slots[i].Source}' is missing (NaN); the model cannot score it.");
            }

            values[i] = values[i] > threshold ? 1 : 0;
        }

        return values;
    }
}
