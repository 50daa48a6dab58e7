namespace Ferry.Statistics.Drift;

/// <summary>Distinct values in ascending order with their positive integer counts: a weighted empirical sample.</summary>
internal sealed class WeightedSample
{
    private WeightedSample(double[] values, long[] counts)
    {
        Values = values;
        Counts = counts;
        foreach (var count in counts)
        {
            Total += count;
        }
    }

    public double[] Values { get; }

    public long[] Counts { get; }

    public long Total { get; }

    public static WeightedSample FromValues(ReadOnlySpan<double> values, string parameterName)
    {
        var sorted = values.ToArray();
        foreach (var value in sorted)
        {
            if (double.IsNaN(value))
            {
                throw new ArgumentException("Samples must not contain NaN.", parameterName);
            }
        }

        Array.Sort(sorted);
        var distinct = new List<double>();
        var counts = new List<long>();
        foreach (var value in sorted)
        {
            if (distinct.Count > 0 && distinct[^1] == value)
            {
                counts[^1]++;
            }
            else
            {
                distinct.Add(value);
                counts.Add(1);
            }
        }

        return new WeightedSample([.. distinct], [.. counts]);
    }

    public static WeightedSample FromCounts(IEnumerable<(double Value, long Count)> sample, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(sample, parameterName);
        var pairs = new List<(double Value, long Count)>();
        foreach (var (value, count) in sample)
        {
            if (double.IsNaN(value))
            {
                throw new ArgumentException("Samples must not contain NaN.", parameterName);
            }

            if (count < 0)
            {
                throw new ArgumentException("Counts must not be negative.", parameterName);
            }

            if (count > 0)
            {
                pairs.Add((value, count));
            }
        }

        pairs.Sort((x, y) => x.Value.CompareTo(y.Value));
        var distinct = new List<double>(pairs.Count);
        var counts = new List<long>(pairs.Count);
        foreach (var (value, count) in pairs)
        {
            if (distinct.Count > 0 && distinct[^1] == value)
            {
                counts[^1] += count;
            }
            else
            {
                distinct.Add(value);
                counts.Add(count);
            }
        }

        return new WeightedSample([.. distinct], [.. counts]);
    }
}
