namespace Ferry.Explain.Readers.Onnx.Plans;

/// <summary>
/// A per-slot operation with constants that keeps each slot's source: Scaler ((x − offset) · scale), and
/// Add/Sub/Mul/Div with a constant operand (a scalar or one value per slot; either side).
/// </summary>
internal sealed class ElementwisePlan(TensorPlan inner, string op, double[] constant, bool constantFirst, double[]? secondConstant = null)
    : TensorPlan(inner.Slots, inner.Float32 || op == "Scaler")
{
    public override double[] Evaluate(IReadOnlyDictionary<string, object?> row)
    {
        var values = inner.Evaluate(row);
        for (var i = 0; i < values.Length; i++)
        {
            var c = At(constant, i);
            values[i] = op switch
            {
                "Scaler" => Round(Round(values[i] - c) * At(secondConstant!, i)),
                "Add" => Round(values[i] + c),
                "Mul" => Round(values[i] * c),
                "Sub" => Round(constantFirst ? c - values[i] : values[i] - c),
                _ => Round(constantFirst ? c / values[i] : values[i] / c),
            };
        }

        return values;
    }

    private static double At(double[] values, int i) => values.Length == 1 ? values[0] : values[i];
}
