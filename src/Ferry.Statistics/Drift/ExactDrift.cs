using System.Globalization;
using System.Runtime.CompilerServices;
using Ferry.Statistics.Profiles;

namespace Ferry.Statistics.Drift;

/// <summary>
/// Drift tests computed from the raw values of both sides, as scipy computes them (what <c>ferry drift</c> reports;
/// monitors use <see cref="DriftDetector"/> on profiles). Missing values (NaN, null) are left out of every statistic.
/// </summary>
/// <remarks>
/// <para>The automatic choice is <see cref="DriftDetector.AutomaticMethod"/> with the exact number of distinct values
/// of reference ∪ current and the reference's count of present values. Numeric columns: Kolmogorov–Smirnov is
/// <c>scipy.stats.ks_2samp(ref, cur)</c> (two-sided, method 'auto'); Wasserstein is
/// <c>scipy.stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001)</c>; PSI and Jensen–Shannon use the bins
/// <c>(−∞, e₀], (e₀, e₁], …, (e_last, +∞)</c> with <c>e = np.unique(np.quantile(ref, [0.1, …, 0.9]))</c> (the bin of x
/// is <c>np.searchsorted(e, x, side='left')</c>); chi-square and z-test take each distinct value as a category.
/// Categorical columns: categories compared ordinally. Chi-square is <c>scipy.stats.chi2_contingency</c> on the 2 × k
/// table of the categories present on either side, with <c>correction=True</c> (Yates at one degree of freedom); the
/// z-test is the pooled two-proportion test (<see cref="TwoProportionZ"/>); Jensen–Shannon is
/// <c>scipy.spatial.distance.jensenshannon(ref_counts, cur_counts)</c> (natural log); PSI is
/// Σ (ref% − cur%) ln(ref% / cur%) with an empty share replaced by 0.0001.</para>
/// </remarks>
public static class ExactDrift
{
    /// <summary>Tests a numeric column from raw values (NaN = missing).</summary>
    /// <param name="name">Column name.</param>
    /// <param name="reference">Reference values.</param>
    /// <param name="current">Current values.</param>
    /// <param name="binEdges">Interior bin edges for PSI and Jensen–Shannon (the reference deciles, see
    /// <see cref="ReferenceProfile.Build"/>); null computes them from <paramref name="reference"/>.</param>
    /// <param name="options">Method and threshold.</param>
    public static ColumnDriftResult TestNumeric(string name, ReadOnlySpan<double> reference, ReadOnlySpan<double> current, double[]? binEdges, DriftTestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return TestNumericSorted(name, SortedPresent(reference), SortedPresent(current), binEdges, options);
    }

    /// <summary>Tests a numeric column from its present values, each side sorted ascending (no NaN; see <see cref="SortedPresent"/>).</summary>
    /// <param name="name">Column name.</param>
    /// <param name="reference">Reference values, sorted, without NaN.</param>
    /// <param name="current">Current values, sorted, without NaN.</param>
    /// <param name="binEdges">Interior bin edges for PSI and Jensen–Shannon; null computes them from <paramref name="reference"/>.</param>
    /// <param name="options">Method and threshold.</param>
    public static ColumnDriftResult TestNumericSorted(string name, ReadOnlySpan<double> reference, ReadOnlySpan<double> current, double[]? binEdges, DriftTestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var r = reference;
        var c = current;
        // The automatic choice needs the number of distinct values; an explicit KS, Wasserstein, PSI or JS does not.
        var method = options.Method is DriftMethod.KolmogorovSmirnov or DriftMethod.Wasserstein or DriftMethod.Psi or DriftMethod.JensenShannon
            ? options.Method.Value
            : Choose(options.Method, ColumnKind.Numeric, r.Length, DistinctUnion(r, c));
        var threshold = options.Threshold ?? DriftDetector.DefaultThreshold(method);
        if (r.Length == 0 || c.Length == 0)
        {
            return new ColumnDriftResult(name, method, double.NaN, null, threshold, Drifted: false) { Skipped = true, Exact = true };
        }

        switch (method)
        {
            case DriftMethod.KolmogorovSmirnov:
                var ks = KolmogorovSmirnov.WithPValue(KsStatistic(r, c), r.Length, c.Length);
                return FromTest(name, method, ks.Statistic, ks.PValue, threshold);
            case DriftMethod.Wasserstein:
                var distance = WassersteinSorted(r, c) / Math.Max(Wasserstein.PopulationStandardDeviation(r), Wasserstein.MinimumNormalizingDeviation);
                return FromScore(name, method, distance, threshold);
            case DriftMethod.Psi or DriftMethod.JensenShannon:
                var edges = binEdges ?? DecileEdges(r);
                var referenceBins = BinCounts(r, edges);
                var currentBins = BinCounts(c, edges);
                var score = method == DriftMethod.Psi
                    ? PopulationStability.Index(referenceBins, currentBins)
                    : JensenShannon.Distance(referenceBins, currentBins);
                return FromScore(name, method, score, threshold);
            default:
                var (referenceCounts, currentCounts) = ValueCounts(r, c);
                return Categorical(name, method, referenceCounts, currentCounts, threshold);
        }
    }

    /// <summary>The present (non-NaN) values, sorted ascending by <see cref="RadixSort"/> (−0 as +0).</summary>
    public static double[] SortedPresent(ReadOnlySpan<double> values)
    {
        var present = 0;
        foreach (var value in values)
        {
            present += double.IsNaN(value) ? 0 : 1;
        }

        var sorted = new double[present];
        var k = 0;
        foreach (var value in values)
        {
            if (!double.IsNaN(value))
            {
                sorted[k++] = value;
            }
        }

        RadixSort.Sort(sorted);
        return sorted;
    }

    /// <summary>
    /// PSI or Jensen–Shannon of a numeric column from its counts per bin (−∞, e₀], (e₀, e₁], …, (e_last, +∞) of present
    /// values, as <see cref="TestNumeric"/> computes them with those edges: for callers that bin the values without
    /// sorting them.
    /// </summary>
    /// <param name="name">Column name.</param>
    /// <param name="method"><see cref="DriftMethod.Psi"/> or <see cref="DriftMethod.JensenShannon"/>.</param>
    /// <param name="referenceBins">Reference counts per bin.</param>
    /// <param name="currentBins">Current counts per bin.</param>
    /// <param name="threshold">Threshold; null takes the method's default.</param>
    public static ColumnDriftResult TestNumericBins(string name, DriftMethod method, long[] referenceBins, long[] currentBins, double? threshold)
    {
        ArgumentNullException.ThrowIfNull(referenceBins);
        ArgumentNullException.ThrowIfNull(currentBins);
        if (method is not (DriftMethod.Psi or DriftMethod.JensenShannon))
        {
            throw new ArgumentOutOfRangeException(nameof(method), method, "Only PSI and Jensen–Shannon read bins.");
        }

        var limit = threshold ?? DriftDetector.DefaultThreshold(method);
        if (referenceBins.Sum() == 0 || currentBins.Sum() == 0)
        {
            return new ColumnDriftResult(name, method, double.NaN, null, limit, Drifted: false) { Skipped = true, Exact = true };
        }

        var score = method == DriftMethod.Psi
            ? PopulationStability.Index(referenceBins, currentBins)
            : JensenShannon.Distance(referenceBins, currentBins);
        return FromScore(name, method, score, limit);
    }

    /// <summary>Counts per bin (−∞, e₀], (e₀, e₁], …, (e_last, +∞) of a sorted sample (the bin of x is the number of edges below x).</summary>
    public static long[] BinCounts(ReadOnlySpan<double> sorted, ReadOnlySpan<double> edges)
    {
        var counts = new long[edges.Length + 1];
        var start = 0;
        for (var bin = 0; bin < edges.Length; bin++)
        {
            // The first index whose value exceeds the edge (values ≤ the edge stay in this bin).
            var end = start + SortedSearch.UpperBound(sorted[start..], edges[bin]);
            counts[bin] = end - start;
            start = end;
        }

        counts[^1] = sorted.Length - start;
        return counts;
    }

    /// <summary>Tests a categorical column from raw values (null = missing; categories compared ordinally).</summary>
    public static ColumnDriftResult TestCategorical(string name, IReadOnlyList<string?> reference, IReadOnlyList<string?> current, DriftTestOptions options)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(options);
        var referenceTable = Count(reference);
        var currentTable = Count(current);
        var (keys, referenceCounts, currentCounts) = CategoryAlignment.Align(referenceTable, currentTable, StringComparer.Ordinal);
        var referencePresent = referenceCounts.Sum();
        var method = Choose(options.Method, ColumnKind.Categorical, referencePresent, keys.Length);
        var threshold = options.Threshold ?? DriftDetector.DefaultThreshold(method);
        if (referencePresent == 0 || currentCounts.Sum() == 0)
        {
            return new ColumnDriftResult(name, method, double.NaN, null, threshold, Drifted: false) { Skipped = true, Exact = true };
        }

        return Categorical(name, method, referenceCounts, currentCounts, threshold);
    }

    /// <summary>Interior bin edges: np.unique(np.quantile(sorted, [0.1, …, 0.9])).</summary>
    public static double[] DecileEdges(ReadOnlySpan<double> sorted)
    {
        var edges = new List<double>(9);
        for (var k = 1; k < 10; k++)
        {
            var edge = LinearQuantile.Of(sorted, k / 10.0);
            if (edges.Count == 0 || edge > edges[^1])
            {
                edges.Add(edge);
            }
        }

        return [.. edges];
    }

    /// <summary>The categories of numbers, as <c>ferry drift</c> reads a numeric current column against a categorical reference.</summary>
    public static string?[] AsCategories(ReadOnlySpan<double> values)
    {
        var categories = new string?[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            categories[i] = double.IsNaN(values[i]) ? null : values[i].ToString(CultureInfo.InvariantCulture);
        }

        return categories;
    }

    private static ColumnDriftResult Categorical(string name, DriftMethod method, long[] referenceCounts, long[] currentCounts, double threshold)
    {
        switch (method)
        {
            case DriftMethod.ChiSquare:
                var chi = ContingencyChiSquare.Test(referenceCounts, currentCounts, yatesCorrection: true);
                return FromTest(name, method, chi.Statistic, chi.PValue, threshold);
            case DriftMethod.ZTest:
                var z = TwoProportionZ.Test(referenceCounts, currentCounts);
                return FromTest(name, method, z.Statistic, z.PValue, threshold);
            case DriftMethod.Psi:
                return FromScore(name, method, PopulationStability.Index(referenceCounts, currentCounts), threshold);
            case DriftMethod.JensenShannon:
                return FromScore(name, method, JensenShannon.Distance(referenceCounts, currentCounts), threshold);
            default:
                throw new ArgumentOutOfRangeException(nameof(method), method, "Not a method for counts.");
        }
    }

    private static DriftMethod Choose(DriftMethod? requested, ColumnKind kind, long referenceCount, int distinct)
    {
        var automatic = DriftDetector.AutomaticMethod(kind, referenceCount, distinct);
        if (requested is not { } method)
        {
            return automatic;
        }

        var applicable = method switch
        {
            DriftMethod.KolmogorovSmirnov or DriftMethod.Wasserstein => kind == ColumnKind.Numeric,
            DriftMethod.ZTest => distinct <= 2,
            _ => true,
        };
        return applicable ? method : automatic;
    }

    private static ColumnDriftResult FromTest(string column, DriftMethod method, double statistic, double pValue, double threshold) =>
        new(column, method, statistic, pValue, threshold, pValue < threshold) { Exact = true };

    private static ColumnDriftResult FromScore(string column, DriftMethod method, double score, double threshold) =>
        new(column, method, score, null, threshold, score >= threshold) { Exact = true };

    private static int DistinctUnion(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int i = 0, j = 0, distinct = 0;
        while (i < a.Length || j < b.Length)
        {
            var next = j >= b.Length || (i < a.Length && a[i] <= b[j]) ? a[i] : b[j];
            while (i < a.Length && a[i] == next)
            {
                i++;
            }

            while (j < b.Length && b[j] == next)
            {
                j++;
            }

            distinct++;
        }

        return distinct;
    }

    /// <summary>max over x of |F_a(x) − F_b(x)|, taken as scipy does: max(maxᵢ diff, clip(−minᵢ diff, 0, 1)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double KsStatistic(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double n1 = a.Length, n2 = b.Length;
        int i = 0, j = 0;
        var maxDifference = double.NegativeInfinity;
        var minDifference = double.PositiveInfinity;
        while (i < a.Length || j < b.Length)
        {
            var next = j >= b.Length || (i < a.Length && a[i] <= b[j]) ? a[i] : b[j];
            while (i < a.Length && a[i] == next)
            {
                i++;
            }

            while (j < b.Length && b[j] == next)
            {
                j++;
            }

            var difference = (i / n1) - (j / n2);
            maxDifference = Math.Max(maxDifference, difference);
            minDifference = Math.Min(minDifference, difference);
        }

        var minS = Math.Clamp(-minDifference, 0, 1);
        return minS > maxDifference ? minS : maxDifference;
    }

    /// <summary>∫ |U − V| dx over the merged support of two sorted samples (scipy's <c>_cdf_distance(1, u, v)</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double WassersteinSorted(ReadOnlySpan<double> u, ReadOnlySpan<double> v)
    {
        double n1 = u.Length, n2 = v.Length, distance = 0;
        int i = 0, j = 0;
        var previous = double.NaN;
        while (i < u.Length || j < v.Length)
        {
            var next = j >= v.Length || (i < u.Length && u[i] <= v[j]) ? u[i] : v[j];
            if (i + j > 0)
            {
                distance += Math.Abs((i / n1) - (j / n2)) * (next - previous);
            }

            while (i < u.Length && u[i] == next)
            {
                i++;
            }

            while (j < v.Length && v[j] == next)
            {
                j++;
            }

            previous = next;
        }

        return distance;
    }

    /// <summary>Counts of each distinct value of a ∪ b, aligned, in ascending order of value.</summary>
    private static (long[] A, long[] B) ValueCounts(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var countsA = new List<long>();
        var countsB = new List<long>();
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            var next = j >= b.Length || (i < a.Length && a[i] <= b[j]) ? a[i] : b[j];
            var startA = i;
            var startB = j;
            while (i < a.Length && a[i] == next)
            {
                i++;
            }

            while (j < b.Length && b[j] == next)
            {
                j++;
            }

            countsA.Add(i - startA);
            countsB.Add(j - startB);
        }

        return ([.. countsA], [.. countsB]);
    }

    private static Dictionary<string, long> Count(IReadOnlyList<string?> values)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            if (value is not null)
            {
                counts[value] = counts.GetValueOrDefault(value) + 1;
            }
        }

        return counts;
    }
}
