namespace Ferry.Explain.Shap;

/// <summary>
/// The interventional game of a black-box model: players are features (or groups of slots), and the value of a
/// coalition is the mean model output over background rows with the coalition's slots taken from the explained row
/// and the others from the background row. Rows are scored in batches through the caller's model function.
/// </summary>
/// <typeparam name="T">The cell type of a row (double, or object for mixed numbers and strings).</typeparam>
internal sealed class CoalitionRows<T>
{
    private readonly T[] _row;
    private readonly IReadOnlyList<T[]> _background;
    private readonly int[][] _playerSlots;

    public CoalitionRows(T[] row, IReadOnlyList<T[]> background, FeatureGroups? groups)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(background);
        if (background.Count == 0)
        {
            throw new ArgumentException("At least one background row is needed.", nameof(background));
        }

        if (groups is not null && groups.SlotCount != row.Length)
        {
            throw new ArgumentException($"The groups cover {groups.SlotCount} slots; the row has {row.Length}.", nameof(groups));
        }

        foreach (var b in background)
        {
            if (b.Length != row.Length)
            {
                throw new ArgumentException($"A background row has {b.Length} values; the row has {row.Length}.", nameof(background));
            }
        }

        _row = row;
        _background = background;
        _playerSlots = groups is null
            ? [.. Enumerable.Range(0, row.Length).Select(i => new[] { i })]
            : [.. Enumerable.Range(0, groups.Sources.Count).Select(s => groups.SlotsOf(s).ToArray())];
        var comparer = EqualityComparer<T>.Default;
        Varying = [.. _playerSlots.Select(slots => background.Any(b => slots.Any(i => !comparer.Equals(b[i], row[i]))))];
    }

    public int PlayerCount => _playerSlots.Length;

    /// <summary>Whether a player's slots differ from the row in some background row (if not, its value is 0).</summary>
    public bool[] Varying { get; }

    public int BackgroundCount => _background.Count;

    /// <summary>f(row).</summary>
    public double RowValue(Func<T[][], double[]> model) => Score(model, [(T[])_row.Clone()])[0];

    /// <summary>Mean of f over the background rows (the empty coalition).</summary>
    public double EmptyValue(Func<T[][], double[]> model, int maxBatchRows)
    {
        var sum = 0.0;
        for (var start = 0; start < _background.Count; start += maxBatchRows)
        {
            var count = Math.Min(maxBatchRows, _background.Count - start);
            var batch = new T[count][];
            for (var i = 0; i < count; i++)
            {
                batch[i] = (T[])_background[start + i].Clone();
            }

            foreach (var value in Score(model, batch))
            {
                sum += value;
            }
        }

        return sum / _background.Count;
    }

    /// <summary>The value of each coalition (one bool per player: present = from the row).</summary>
    public double[] Values(Func<T[][], double[]> model, IReadOnlyList<bool[]> coalitions, int maxBatchRows)
    {
        var values = new double[coalitions.Count];
        var perBatch = Math.Max(1, maxBatchRows / _background.Count);
        var buffer = Array.Empty<T[]>();
        for (var first = 0; first < coalitions.Count; first += perBatch)
        {
            var count = Math.Min(perBatch, coalitions.Count - first);
            var rows = count * _background.Count;
            if (buffer.Length != rows)
            {
                buffer = new T[rows][];
                for (var i = 0; i < rows; i++)
                {
                    buffer[i] = new T[_row.Length];
                }
            }

            for (var c = 0; c < count; c++)
            {
                for (var b = 0; b < _background.Count; b++)
                {
                    Mix(coalitions[first + c], _background[b], buffer[(c * _background.Count) + b]);
                }
            }

            var scores = Score(model, buffer);
            for (var c = 0; c < count; c++)
            {
                var sum = 0.0;
                for (var b = 0; b < _background.Count; b++)
                {
                    sum += scores[(c * _background.Count) + b];
                }

                values[first + c] = sum / _background.Count;
            }
        }

        return values;
    }

    private void Mix(bool[] present, T[] background, T[] destination)
    {
        Array.Copy(background, destination, destination.Length);
        for (var p = 0; p < _playerSlots.Length; p++)
        {
            if (present[p])
            {
                foreach (var slot in _playerSlots[p])
                {
                    destination[slot] = _row[slot];
                }
            }
        }
    }

    private static double[] Score(Func<T[][], double[]> model, T[][] rows)
    {
        var scores = model(rows);
        if (scores is null || scores.Length != rows.Length)
        {
            throw new InvalidOperationException($"The model returned {scores?.Length ?? 0} outputs for {rows.Length} rows; it must return one per row.");
        }

        return scores;
    }
}
