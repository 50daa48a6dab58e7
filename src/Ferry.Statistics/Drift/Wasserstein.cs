namespace Ferry.Statistics.Drift;

/// <summary>
/// First Wasserstein (earth mover's) distance between two one-dimensional weighted samples,
/// <c>scipy.stats.wasserstein_distance(u, v, u_weights, v_weights)</c>: ∫ |U(x) − V(x)| dx over the pooled support.
/// The normalised form divides by the reference population standard deviation (np.std, ddof = 0), floored at
/// <see cref="MinimumNormalizingDeviation"/>, as Evidently's <c>wasserstein</c> stat test does.
/// </summary>
public static class Wasserstein
{
    /// <summary>Floor on the normalising standard deviation (Evidently's <c>max(np.std(reference), 0.001)</c>).</summary>
    public const double MinimumNormalizingDeviation = 0.001;

    /// <summary>Distance between two raw samples.</summary>
    /// <exception cref="ArgumentException">A sample is empty or contains NaN.</exception>
    public static double Distance(ReadOnlySpan<double> u, ReadOnlySpan<double> v) =>
        Distance(WeightedSample.FromValues(u, nameof(u)), WeightedSample.FromValues(v, nameof(v)));

    /// <summary>Distance between two samples given as (value, count) pairs.</summary>
    /// <exception cref="ArgumentException">A sample is empty, contains NaN or a negative count.</exception>
    public static double Distance(IEnumerable<(double Value, long Count)> u, IEnumerable<(double Value, long Count)> v) =>
        Distance(WeightedSample.FromCounts(u, nameof(u)), WeightedSample.FromCounts(v, nameof(v)));

    /// <summary>Distance between two samples with real, non-negative weights.</summary>
    /// <exception cref="ArgumentException">Lengths differ, a sample has no positive weight, or contains NaN.</exception>
    public static double Distance(
        ReadOnlySpan<double> uValues, ReadOnlySpan<double> uWeights, ReadOnlySpan<double> vValues, ReadOnlySpan<double> vWeights)
    {
        var (uSorted, uSortedWeights) = SortWeighted(uValues, uWeights, nameof(uWeights));
        var (vSorted, vSortedWeights) = SortWeighted(vValues, vWeights, nameof(vWeights));
        return Integrate(uSorted, uSortedWeights, vSorted, vSortedWeights);
    }

    /// <summary>Distance divided by max(population std of <paramref name="reference"/>, 0.001).</summary>
    public static double NormalizedDistance(ReadOnlySpan<double> reference, ReadOnlySpan<double> current) =>
        Distance(reference, current) / Math.Max(PopulationStandardDeviation(reference), MinimumNormalizingDeviation);

    /// <summary>Population standard deviation (np.std with ddof = 0), two-pass.</summary>
    public static double PopulationStandardDeviation(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty)
        {
            return double.NaN;
        }

        var mean = 0.0;
        foreach (var value in values)
        {
            mean += value;
        }

        mean /= values.Length;
        var squares = 0.0;
        foreach (var value in values)
        {
            squares += (value - mean) * (value - mean);
        }

        return Math.Sqrt(squares / values.Length);
    }

    internal static double Distance(WeightedSample u, WeightedSample v)
    {
        if (u.Total == 0 || v.Total == 0)
        {
            throw new ArgumentException("Both samples must be non-empty.");
        }

        return Integrate(u.Values, ToDoubles(u.Counts), v.Values, ToDoubles(v.Counts));
    }

    private static double[] ToDoubles(long[] counts)
    {
        var weights = new double[counts.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            weights[i] = counts[i];
        }

        return weights;
    }

    private static (double[] Values, double[] Weights) SortWeighted(ReadOnlySpan<double> values, ReadOnlySpan<double> weights, string parameterName)
    {
        if (values.Length != weights.Length)
        {
            throw new ArgumentException("Values and weights must have the same length.", parameterName);
        }

        var sortedValues = values.ToArray();
        var sortedWeights = weights.ToArray();
        foreach (var value in sortedValues)
        {
            if (double.IsNaN(value))
            {
                throw new ArgumentException("Samples must not contain NaN.", parameterName);
            }
        }

        foreach (var weight in sortedWeights)
        {
            if (!(weight >= 0) || double.IsInfinity(weight))
            {
                throw new ArgumentException("Weights must be finite and non-negative.", parameterName);
            }
        }

        Array.Sort(sortedValues, sortedWeights);
        return (sortedValues, sortedWeights);
    }

    /// <summary>∫ |U − V| over the merged support, both inputs sorted ascending (repeated values allowed).</summary>
    private static double Integrate(double[] uValues, double[] uWeights, double[] vValues, double[] vWeights)
    {
        var uTotal = uWeights.Sum();
        var vTotal = vWeights.Sum();
        if (!(uTotal > 0) || !(vTotal > 0))
        {
            throw new ArgumentException("Both samples need a positive total weight.");
        }

        double uCumulative = 0, vCumulative = 0, distance = 0;
        int i = 0, j = 0;
        var previous = double.NaN;
        while (i < uValues.Length || j < vValues.Length)
        {
            var next = j >= vValues.Length || (i < uValues.Length && uValues[i] <= vValues[j]) ? uValues[i] : vValues[j];
            if (!double.IsNaN(previous))
            {
                distance += Math.Abs((uCumulative / uTotal) - (vCumulative / vTotal)) * (next - previous);
            }

            while (i < uValues.Length && uValues[i] == next)
            {
                uCumulative += uWeights[i++];
            }

            while (j < vValues.Length && vValues[j] == next)
            {
                vCumulative += vWeights[j++];
            }

            previous = next;
        }

        return distance;
    }
}
