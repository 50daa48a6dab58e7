using Ferry.Core.Serving;

namespace Ferry.Server.Serving.Batching;

/// <summary>Concatenates the rows of several requests into one <see cref="FeatureBatch"/> and splits the answer back.</summary>
internal static class BatchRows
{
    /// <summary>
    /// The parts' rows, one after another, column by column; null when the parts do not have the same columns of the
    /// same types (then they are scored one by one).
    /// </summary>
    public static FeatureBatch? Concat(IReadOnlyList<FeatureBatch> parts, int rows)
    {
        var first = parts[0];
        var columns = new Dictionary<string, Array>(first.Columns.Count, StringComparer.Ordinal);
        foreach (var (name, column) in first.Columns)
        {
            var type = column.GetType();
            var combined = Array.CreateInstanceFromArrayType(type, rows);
            var at = 0;
            foreach (var part in parts)
            {
                if (part.Columns.Count != first.Columns.Count || !part.Columns.TryGetValue(name, out var source) || source.GetType() != type)
                {
                    return null;
                }

                Array.Copy(source, 0, combined, at, source.Length);
                at += source.Length;
            }

            columns[name] = combined;
        }

        return new FeatureBatch(rows, columns);
    }

    /// <summary>
    /// Splits a result for <paramref name="rows"/> rows into one result per part (rows and raw tensors sliced by row
    /// range, in order); null when a raw output is not batch-first (its first dimension is not the row count).
    /// </summary>
    public static InferenceResult[]? Split(InferenceResult result, IReadOnlyList<int> counts, int rows)
    {
        foreach (var tensor in result.Outputs)
        {
            if (tensor.Shape.Count == 0 || tensor.Shape[0] != rows || tensor.Data.Length % Math.Max(rows, 1) != 0)
            {
                return null;
            }
        }

        var parts = new InferenceResult[counts.Count];
        var start = 0;
        for (var p = 0; p < counts.Count; p++)
        {
            var count = counts[p];
            var predictions = new RowPrediction[count];
            for (var r = 0; r < count; r++)
            {
                predictions[r] = result.Rows[start + r];
            }

            var outputs = new OutputTensor[result.Outputs.Count];
            for (var o = 0; o < outputs.Length; o++)
            {
                outputs[o] = Slice(result.Outputs[o], start, count, rows);
            }

            parts[p] = new InferenceResult(predictions, outputs);
            start += count;
        }

        return parts;
    }

    private static OutputTensor Slice(OutputTensor tensor, int start, int count, int rows)
    {
        var perRow = rows == 0 ? 0 : tensor.Data.Length / rows;
        var data = Array.CreateInstanceFromArrayType(tensor.Data.GetType(), count * perRow);
        Array.Copy(tensor.Data, start * perRow, data, 0, count * perRow);
        var shape = new int[tensor.Shape.Count];
        shape[0] = count;
        for (var d = 1; d < shape.Length; d++)
        {
            shape[d] = tensor.Shape[d];
        }

        return tensor with { Shape = shape, Data = data };
    }
}
