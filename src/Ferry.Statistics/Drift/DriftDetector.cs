using Ferry.Statistics.Profiles;

namespace Ferry.Statistics.Drift;

/// <summary>
/// Drift tests computed from profiles only, never from raw rows.
/// </summary>
/// <remarks>
/// <para>Automatic method choice follows Evidently's <c>get_default_stattest</c>, with n the number of distinct values in
/// reference ∪ current and the reference size its count of valid values: reference ≤ 1000 → numeric with n &gt; 5:
/// Kolmogorov–Smirnov, otherwise chi-square if n &gt; 2 else z-test; reference &gt; 1000 → numeric with n &gt; 5:
/// normalised Wasserstein, otherwise Jensen–Shannon. For numeric columns n is counted at sketch-bucket resolution
/// (values within the sketch's relative accuracy, 1 %, count as one); for categorical columns it is the number of
/// categories with a positive count on either side.</para>
/// <para>Data used per method: Kolmogorov–Smirnov and Wasserstein compare the reference sketch with the current
/// sketch, both as weighted samples of bucket representatives. The current side is only known at bucket resolution,
/// and on a common grid the two empirical CDFs are compared exactly at the bucket boundaries; pairing exact reference
/// values with bucketed current values instead would add up to one bucket's share of the data to D (several percent
/// for a narrow feature far from zero, such as 700 ± 50), i.e. spurious drift. Wasserstein is divided by
/// max(reference population std, 0.001), the std being computed exactly when the reference is built. PSI and
/// Jensen–Shannon use the schema bins for numeric columns and category counts for categorical ones. Chi-square is the
/// test of homogeneity (<see cref="ContingencyChiSquare"/>) and the z-test the pooled two-proportion test, both on
/// category counts, or on sketch buckets as categories for numeric columns.</para>
/// <para>A requested method that cannot apply to the column (Kolmogorov–Smirnov or Wasserstein on a categorical
/// column, z-test with more than two distinct values) is replaced by the automatic choice; the result names the method
/// that ran. A column with no valid values in the reference or the current profile is returned with
/// <see cref="ColumnDriftResult.Skipped"/> set, Score NaN, not drifted, and is left out of the drift share.</para>
/// </remarks>
public static class DriftDetector
{
    /// <summary>Default threshold on the p-value for Kolmogorov–Smirnov, chi-square and z-test.</summary>
    public const double DefaultPValueThreshold = 0.05;

    /// <summary>Default threshold on the score for PSI, Jensen–Shannon and normalised Wasserstein.</summary>
    public const double DefaultDistanceThreshold = 0.1;

    /// <summary>Reference sizes above this use the distance methods when chosen automatically.</summary>
    public const long SmallReferenceLimit = 1000;

    /// <summary>Tests one column of the current data against the reference.</summary>
    /// <exception cref="ArgumentException">The reference has no such column, or its layout differs.</exception>
    public static ColumnDriftResult TestColumn(ReferenceProfile reference, ColumnProfile current, DriftTestOptions options)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(options);
        if (!reference.Profile.Columns.TryGetValue(current.Name, out var referenceColumn))
        {
            throw new ArgumentException($"The reference has no column '{current.Name}'.", nameof(current));
        }

        if (!referenceColumn.HasSameLayout(current))
        {
            throw new ArgumentException($"Column '{current.Name}' is laid out differently from the reference.", nameof(current));
        }

        var distinct = DistinctValues(referenceColumn, current);
        var automatic = AutomaticMethod(current.Kind, referenceColumn.Count, distinct);
        var method = options.Method is { } requested && IsApplicable(requested, current.Kind, distinct) ? requested : automatic;
        var threshold = options.Threshold ?? DefaultThreshold(method);
        if (referenceColumn.Count == 0 || current.Count == 0)
        {
            return new ColumnDriftResult(current.Name, method, double.NaN, null, threshold, Drifted: false) { Skipped = true };
        }

        var name = current.Name;
        return method switch
        {
            DriftMethod.KolmogorovSmirnov => FromTest(name, method, KolmogorovSmirnovOf(referenceColumn, current), threshold),
            DriftMethod.ChiSquare => FromTest(name, method, ChiSquareOf(referenceColumn, current), threshold),
            DriftMethod.ZTest => FromTest(name, method, ZTestOf(referenceColumn, current), threshold),
            DriftMethod.Psi => FromScore(name, method, PsiOf(referenceColumn, current), threshold),
            DriftMethod.JensenShannon => FromScore(name, method, JensenShannonOf(referenceColumn, current), threshold),
            DriftMethod.Wasserstein => FromScore(name, method, NormalizedWasserstein(reference, referenceColumn, current), threshold),
            _ => throw new ArgumentOutOfRangeException(nameof(options), method, "Unknown drift method."),
        };
    }

    /// <summary>Tests every column of the reference schema against the current profile.</summary>
    /// <exception cref="ArgumentException">The current profile lacks a column or lays one out differently.</exception>
    public static DatasetDriftResult Test(ReferenceProfile reference, DatasetProfile current, DriftOptions options)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(options);
        var results = new List<ColumnDriftResult>(reference.Schema.Columns.Count);
        foreach (var column in reference.Schema.Columns)
        {
            if (!current.Columns.TryGetValue(column.Name, out var currentColumn))
            {
                throw new ArgumentException($"The current profile has no column '{column.Name}'.", nameof(current));
            }

            results.Add(TestColumn(reference, currentColumn, OptionsFor(options, column.Name)));
        }

        var tested = results.Count(r => !r.Skipped);
        var drifted = results.Count(r => r.Drifted);
        var share = tested == 0 ? 0.0 : (double)drifted / tested;
        return new DatasetDriftResult(results, drifted, share, tested > 0 && share >= options.DriftShare);
    }

    /// <summary>Evidently's automatic choice for a column kind, reference size and number of distinct values.</summary>
    public static DriftMethod AutomaticMethod(ColumnKind kind, long referenceCount, int distinctValues)
    {
        if (referenceCount <= SmallReferenceLimit)
        {
            if (kind == ColumnKind.Numeric && distinctValues > 5)
            {
                return DriftMethod.KolmogorovSmirnov;
            }

            return distinctValues > 2 ? DriftMethod.ChiSquare : DriftMethod.ZTest;
        }

        return kind == ColumnKind.Numeric && distinctValues > 5 ? DriftMethod.Wasserstein : DriftMethod.JensenShannon;
    }

    /// <summary>The default threshold of a method.</summary>
    public static double DefaultThreshold(DriftMethod method) => method switch
    {
        DriftMethod.KolmogorovSmirnov or DriftMethod.ChiSquare or DriftMethod.ZTest => DefaultPValueThreshold,
        _ => DefaultDistanceThreshold,
    };

    private static DriftTestOptions OptionsFor(DriftOptions options, string column)
    {
        if (!options.PerColumn.TryGetValue(column, out var specific))
        {
            return options.Default;
        }

        return new DriftTestOptions
        {
            Method = specific.Method ?? options.Default.Method,
            Threshold = specific.Threshold ?? options.Default.Threshold,
        };
    }

    private static bool IsApplicable(DriftMethod method, ColumnKind kind, int distinct) => method switch
    {
        DriftMethod.KolmogorovSmirnov or DriftMethod.Wasserstein => kind == ColumnKind.Numeric,
        DriftMethod.ZTest => distinct <= 2,
        _ => true,
    };

    private static ColumnDriftResult FromTest(string column, DriftMethod method, (double Statistic, double PValue) test, double threshold) =>
        new(column, method, test.Statistic, test.PValue, threshold, test.PValue < threshold);

    private static ColumnDriftResult FromScore(string column, DriftMethod method, double score, double threshold) =>
        new(column, method, score, null, threshold, score >= threshold);

    private static int DistinctValues(ColumnProfile reference, ColumnProfile current)
    {
        if (current.Kind == ColumnKind.Numeric)
        {
            var values = new HashSet<double>();
            foreach (var (value, _) in reference.Sketch.WeightedValues())
            {
                values.Add(value);
            }

            foreach (var (value, _) in current.Sketch.WeightedValues())
            {
                values.Add(value);
            }

            return values.Count;
        }

        var categories = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (category, count) in reference.CategoryCounts)
        {
            if (count > 0)
            {
                categories.Add(category);
            }
        }

        foreach (var (category, count) in current.CategoryCounts)
        {
            if (count > 0)
            {
                categories.Add(category);
            }
        }

        var untracked = (reference.UntrackedUnseenCount > 0 ? 1 : 0) + (current.UntrackedUnseenCount > 0 ? 1 : 0);
        return categories.Count + untracked;
    }

    private static WeightedSample SketchSample(ColumnProfile column) => WeightedSample.FromCounts(column.Sketch.WeightedValues(), column.Name);

    /// <summary>Aligned counts per distinct value: sketch buckets for numeric columns, categories otherwise.</summary>
    private static (long[] Reference, long[] Current) CategoryCounts(ColumnProfile reference, ColumnProfile current)
    {
        if (current.Kind == ColumnKind.Numeric)
        {
            var buckets = new SortedDictionary<double, (long Reference, long Current)>();
            foreach (var (value, count) in reference.Sketch.WeightedValues())
            {
                buckets[value] = (count, 0);
            }

            foreach (var (value, count) in current.Sketch.WeightedValues())
            {
                buckets[value] = buckets.TryGetValue(value, out var existing) ? (existing.Reference, count) : (0, count);
            }

            return (buckets.Values.Select(b => b.Reference).ToArray(), buckets.Values.Select(b => b.Current).ToArray());
        }

        var (_, referenceCounts, currentCounts) = CategoryAlignment.Align(reference.CategoryCounts, current.CategoryCounts, StringComparer.Ordinal);
        if (reference.UntrackedUnseenCount > 0 || current.UntrackedUnseenCount > 0)
        {
            // Values beyond the tracked unseen categories are pooled into one "other unseen" cell.
            referenceCounts = [.. referenceCounts, reference.UntrackedUnseenCount];
            currentCounts = [.. currentCounts, current.UntrackedUnseenCount];
        }

        return (referenceCounts, currentCounts);
    }

    private static (double Statistic, double PValue) KolmogorovSmirnovOf(ColumnProfile reference, ColumnProfile current)
    {
        var result = KolmogorovSmirnov.Test(SketchSample(reference), SketchSample(current));
        return (result.Statistic, result.PValue);
    }

    private static (double Statistic, double PValue) ChiSquareOf(ColumnProfile reference, ColumnProfile current)
    {
        // The test of homogeneity, not Evidently's goodness of fit against the reference's proportions: the reference is
        // a sample too, and treating its proportions as exact flags undrifted categorical columns far above the p-value.
        var (referenceCounts, currentCounts) = CategoryCounts(reference, current);
        var result = ContingencyChiSquare.Test(referenceCounts, currentCounts);
        return (result.Statistic, result.PValue);
    }

    private static (double Statistic, double PValue) ZTestOf(ColumnProfile reference, ColumnProfile current)
    {
        var (referenceCounts, currentCounts) = CategoryCounts(reference, current);
        var result = TwoProportionZ.Test(referenceCounts, currentCounts);
        return (result.Statistic, result.PValue);
    }

    private static double PsiOf(ColumnProfile reference, ColumnProfile current)
    {
        if (current.Kind == ColumnKind.Numeric)
        {
            return PopulationStability.Index(reference.BinCounts, current.BinCounts);
        }

        var (referenceCounts, currentCounts) = CategoryCounts(reference, current);
        return PopulationStability.Index(referenceCounts, currentCounts);
    }

    private static double JensenShannonOf(ColumnProfile reference, ColumnProfile current)
    {
        if (current.Kind == ColumnKind.Numeric)
        {
            return JensenShannon.Distance(reference.BinCounts, current.BinCounts);
        }

        var (referenceCounts, currentCounts) = CategoryCounts(reference, current);
        return JensenShannon.Distance(referenceCounts, currentCounts);
    }

    private static double NormalizedWasserstein(ReferenceProfile reference, ColumnProfile referenceColumn, ColumnProfile current)
    {
        if (!reference.StandardDeviations.TryGetValue(current.Name, out var deviation) || double.IsNaN(deviation))
        {
            var mean = referenceColumn.Sum / referenceColumn.Count;
            deviation = Math.Sqrt(Math.Max((referenceColumn.SumOfSquares / referenceColumn.Count) - (mean * mean), 0));
        }

        var distance = Wasserstein.Distance(SketchSample(referenceColumn), SketchSample(current));
        return distance / Math.Max(deviation, Wasserstein.MinimumNormalizingDeviation);
    }
}
