namespace Ferry.Explain.Readers.Onnx.Plans;

/// <summary>Concat on the feature axis, or FeatureVectorizer: the parts side by side.</summary>
internal sealed class ConcatPlan(IReadOnlyList<TensorPlan> parts)
    : TensorPlan([.. parts.SelectMany(p => p.Slots)], parts.Any(p => p.Float32))
{
    public override double[] Evaluate(IReadOnlyDictionary<string, object?> row)
    {
        var values = new double[Width];
        var offset = 0;
        foreach (var part in parts)
        {
            var piece = part.Evaluate(row);
            for (var i = 0; i < piece.Length; i++)
            {
                values[offset + i] = Round(piece[i]);
            }

            offset += piece.Length;
        }

        return values;
    }
}
