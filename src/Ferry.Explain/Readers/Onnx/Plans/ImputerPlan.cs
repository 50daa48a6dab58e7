namespace Ferry.Explain.Readers.Onnx.Plans;

/// <summary>ai.onnx.ml Imputer: values equal to the replaced value (or NaN, when that is NaN) become the imputed ones.</summary>
internal sealed class ImputerPlan(TensorPlan inner, double[] imputed, double replaced) : TensorPlan(inner.Slots, inner.Float32)
{
    public override double[] Evaluate(IReadOnlyDictionary<string, object?> row)
    {
        var values = inner.Evaluate(row);
        for (var i = 0; i < values.Length; i++)
        {
            var missing = double.IsNaN(replaced) ? double.IsNaN(values[i]) : values[i] == replaced;
            if (missing)
            {
                values[i] = Round(imputed.Length == 1 ? imputed[0] : imputed[i]);
            }
        }

        return values;
    }
}
