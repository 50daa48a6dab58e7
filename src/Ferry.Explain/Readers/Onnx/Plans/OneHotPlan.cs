namespace Ferry.Explain.Readers.Onnx.Plans;

/// <summary>
/// ai.onnx.ml OneHotEncoder over one input column: one slot per category, all belonging to the input's source
/// feature. An unknown category gives all zeros (zeros=1) or an error (zeros=0), as in ONNX Runtime.
/// </summary>
internal sealed class OneHotPlan(string input, string source, IReadOnlyList<string> categories, bool numericCategories, bool zerosForUnknown)
    : TensorPlan([.. categories.Select(c => new FeatureSlot($"{source}={c}", source, input, null, c))], true)
{
    public override double[] Evaluate(IReadOnlyDictionary<string, object?> row)
    {
        if (!row.TryGetValue(input, out var cell) && !row.TryGetValue(source, out cell))
        {
            throw new ArgumentException($"The row has no value for input '{input}'.");
        }

        var values = new double[Width];
        var value = Cells.Scalar(cell);
        var index = -1;
        if (numericCategories)
        {
            var number = Cells.ToDouble(value, input);
            for (var i = 0; i < categories.Count && index < 0; i++)
            {
                index = double.Parse(categories[i], System.Globalization.CultureInfo.InvariantCulture) == number ? i : -1;
            }
        }
        else
        {
            var text = Cells.ToCategory(value);
            for (var i = 0; i < categories.Count && index < 0; i++)
            {
                index = string.Equals(categories[i], text, StringComparison.Ordinal) ? i : -1;
            }
        }

        if (index >= 0)
        {
            values[index] = 1;
        }
        else if (!zerosForUnknown)
        {
            throw new ArgumentException($"Input '{input}' has the unknown category '{value}' and the encoder has zeros=0.");
        }

        return values;
    }
}
