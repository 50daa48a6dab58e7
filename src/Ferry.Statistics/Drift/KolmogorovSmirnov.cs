namespace Ferry.Statistics.Drift;

/// <summary>
/// Two-sample Kolmogorov–Smirnov test, reproducing <c>scipy.stats.ks_2samp(a, b)</c> (two-sided, method 'auto') of
/// scipy 1.10: the exact p-value when both sizes are ≤ 10,000 (and the exact computation yields a probability),
/// otherwise the asymptotic one, <c>kstwo.sf(D, round(n1 n2 / (n1 + n2)))</c>.
/// </summary>
public static class KolmogorovSmirnov
{
    /// <summary>Largest sample size for which the exact p-value is used (scipy's MAX_AUTO_N).</summary>
    public const int ExactSizeLimit = 10_000;

    /// <summary>Tests two raw samples. NaN is rejected; both samples must be non-empty.</summary>
    /// <exception cref="ArgumentException">A sample is empty or contains NaN.</exception>
    public static KsResult TwoSample(ReadOnlySpan<double> a, ReadOnlySpan<double> b) =>
        Test(WeightedSample.FromValues(a, nameof(a)), WeightedSample.FromValues(b, nameof(b)));

    /// <summary>
    /// Tests two weighted samples given as (value, count) pairs, as if each value were repeated count times
    /// (any order; repeated values are combined; zero counts are ignored).
    /// </summary>
    /// <exception cref="ArgumentException">A sample is empty, contains NaN or a negative count.</exception>
    public static KsResult TwoSample(IEnumerable<(double Value, long Count)> a, IEnumerable<(double Value, long Count)> b) =>
        Test(WeightedSample.FromCounts(a, nameof(a)), WeightedSample.FromCounts(b, nameof(b)));

    internal static KsResult Test(WeightedSample a, WeightedSample b)
    {
        if (a.Total == 0 || b.Total == 0)
        {
            throw new ArgumentException("Both samples must be non-empty.");
        }

        var statistic = Statistic(a, b);
        return WithPValue(statistic, a.Total, b.Total);
    }

    /// <summary>The p-value for a statistic from samples of the given sizes, with scipy's choice of method.</summary>
    public static KsResult WithPValue(double statistic, long n1, long n2)
    {
        if (Math.Max(n1, n2) <= ExactSizeLimit)
        {
            if (ExactTwoSampleKs.TryPValue(n1, n2, statistic, out var rounded, out var exact))
            {
                return new KsResult(rounded, Math.Clamp(exact, 0, 1), Exact: true);
            }

            // scipy falls back to the asymptotic p-value but keeps D rounded to the lattice h / lcm(n1, n2).
            statistic = rounded;
        }

        var (m, n) = n1 >= n2 ? ((double)n1, (double)n2) : (n2, n1);
        var en = m * n / (m + n);
        var rounded2 = Math.Round(en, MidpointRounding.ToEven);
        var p = rounded2 >= 1 && rounded2 <= int.MaxValue
            ? KolmogorovDistribution.Survival(statistic, (int)rounded2)
            : double.NaN;
        return new KsResult(statistic, Math.Clamp(p, 0, 1), Exact: false);
    }

    private static double Statistic(WeightedSample a, WeightedSample b)
    {
        double n1 = a.Total, n2 = b.Total;
        long cumulativeA = 0, cumulativeB = 0;
        int i = 0, j = 0;
        var maxDifference = double.NegativeInfinity;
        var minDifference = double.PositiveInfinity;
        while (i < a.Values.Length || j < b.Values.Length)
        {
            double next;
            if (j >= b.Values.Length || (i < a.Values.Length && a.Values[i] <= b.Values[j]))
            {
                next = a.Values[i];
            }
            else
            {
                next = b.Values[j];
            }

            while (i < a.Values.Length && a.Values[i] == next)
            {
                cumulativeA += a.Counts[i++];
            }

            while (j < b.Values.Length && b.Values[j] == next)
            {
                cumulativeB += b.Counts[j++];
            }

            var difference = (cumulativeA / n1) - (cumulativeB / n2);
            maxDifference = Math.Max(maxDifference, difference);
            minDifference = Math.Min(minDifference, difference);
        }

        var minS = Math.Clamp(-minDifference, 0, 1);
        return minS > maxDifference ? minS : maxDifference;
    }
}
