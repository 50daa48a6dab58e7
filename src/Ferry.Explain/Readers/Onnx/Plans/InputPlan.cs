namespace Ferry.Explain.Readers.Onnx.Plans;

/// <summary>
/// A graph input. One column: the row's value under the input's name. Several columns: an array under the input's
/// name, or else one value per column under each column's source name (e.g. <c>age</c> for input[0]).
/// </summary>
internal sealed class InputPlan(string name, IReadOnlyList<FeatureSlot> slots, bool float32) : TensorPlan(slots, float32)
{
    public string Name { get; } = name;

    public override double[] Evaluate(IReadOnlyDictionary<string, object?> row)
    {
        var values = new double[Width];
        if (row.TryGetValue(Name, out var cell))
        {
            if (Width == 1)
            {
                values[0] = Round(Cells.ToDouble(Cells.Scalar(cell), Name));
                return values;
            }

            var list = Cells.ToList(cell);
            if (list is null || list.Count != Width)
            {
                throw new ArgumentException($"Input '{Name}' needs {Width} values.");
            }

            for (var i = 0; i < Width; i++)
            {
                values[i] = Round(Cells.ToDouble(list[i], Name));
            }

            return values;
        }

        for (var i = 0; i < Width; i++)
        {
            var source = Slots[i].Source;
            if (!row.TryGetValue(source, out var column))
            {
                throw new ArgumentException($"The row has neither input '{Name}' nor its column '{source}'.");
            }

            values[i] = Round(Cells.ToDouble(Cells.Scalar(column), source));
        }

        return values;
    }
}
