using System.Globalization;
using Ferry.Statistics.Drift;
using Ferry.Statistics.Profiles;

namespace Ferry.Core.Monitoring;

/// <summary>
/// Drift from profiles (<see cref="DriftDetector.TestColumn"/>), each result carrying the bound on its error against
/// the exact result from the raw values (<see cref="ColumnDriftResult.ErrorBound"/>).
/// </summary>
/// <remarks>
/// <para><b>Kolmogorov–Smirnov.</b> Both sides' sketches map every value to its bucket by the same non-decreasing map
/// (the bucket of x is ⌈log_γ |x|⌉ per sign, γ = (1 + α)/(1 − α)), so the buckets are intervals of the line in one
/// order, and each side's empirical CDF is known exactly at every bucket's upper end (R_k, C_k: the shares of the
/// reference and the window up to bucket k) but not inside a bucket. Inside bucket k, F_ref ∈ [R_(k−1), R_k] and
/// F_cur ∈ [C_(k−1), C_k], so the exact D lies in [max_k |R_k − C_k|, max_k max(R_k − C_(k−1), C_k − R_(k−1))]; the
/// lower end is the D the sketches report. The width, the rank error on D, is at most the largest share of either side
/// in one bucket: it depends on how the data falls into the α-wide buckets, not on α alone, and is computed per run.
/// The p-value interval is the p-value at each end (p falls as D grows, for the same sizes).
/// When a sketch folded its smallest magnitudes together (more than its bucket limit of distinct magnitudes) the two
/// maps may differ and no bound is stated.</para>
/// <para><b>Wasserstein.</b> Replacing each value x by its bucket's representative r moves it by at most α|x| ≤
/// α/(1 − α)·|r|, so W₁ moves by at most α/(1 − α)·(mean |r| of the reference + mean |r| of the window) (triangle
/// inequality), divided by the same normalising deviation as the score.</para>
/// <para><b>PSI and Jensen–Shannon</b> on numeric columns use exact counts in the reference's decile bins: no sketch
/// error. On categorical columns, the category counts are exact unless unseen categories beyond the tracked ones were
/// pooled (then no bound is stated); chi-square, z-test, PSI and Jensen–Shannon on exact counts are the exact values
/// (chi-square's interval is the Yates-corrected test at one degree of freedom, as the exact path computes it).
/// Chi-square and z-test on numeric columns treat sketch buckets as categories where the exact test takes each
/// distinct value: no bound is stated.</para>
/// </remarks>
public static class ApproximateDrift
{
    /// <summary>Tests one column of the window's profile against the reference profile, with the error bound.</summary>
    public static ColumnDriftResult Test(ReferenceProfile reference, ColumnProfile current, DriftTestOptions options)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        var result = DriftDetector.TestColumn(reference, current, options);
        if (result.Skipped)
        {
            return result;
        }

        var referenceColumn = reference.Profile.Columns[current.Name];
        return result with { Exact = false, ErrorBound = Bound(reference, referenceColumn, current, result) };
    }

    /// <summary>The error bound of a profile-based result.</summary>
    public static DriftErrorBound Bound(ReferenceProfile reference, ColumnProfile referenceColumn, ColumnProfile current, ColumnDriftResult result)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(referenceColumn);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(result);
        var numeric = current.Kind == ColumnKind.Numeric;
        if (numeric && (result.Method is DriftMethod.KolmogorovSmirnov or DriftMethod.Wasserstein) && (Folded(referenceColumn.Sketch) || Folded(current.Sketch)))
        {
            return Unbounded("a sketch folded its smallest magnitudes together (more distinct magnitudes than its bucket limit), so the two sides' buckets may not line up");
        }

        return (numeric, result.Method) switch
        {
            (true, DriftMethod.KolmogorovSmirnov) => KolmogorovSmirnovBound(referenceColumn.Sketch, current.Sketch, result),
            (true, DriftMethod.Wasserstein) => WassersteinBound(reference, referenceColumn, current, result),
            (true, DriftMethod.Psi or DriftMethod.JensenShannon) => Point(result, "exact counts in the reference's decile bins; the sketch plays no part, so this is the exact value"),
            (true, _) => Unbounded("sketch buckets (values within the sketch's relative accuracy merged) stand in for distinct values, which the exact test takes as categories; no bound is stated"),
            _ when referenceColumn.UntrackedUnseenCount > 0 || current.UntrackedUnseenCount > 0 =>
                Unbounded($"unseen categories beyond the {ColumnProfile.MaxTrackedUnseenCategories:N0} tracked ones are pooled into one cell; no bound is stated"),
            (false, DriftMethod.ChiSquare) => ChiSquareBound(referenceColumn, current),
            _ => Point(result, "exact category counts; this is the exact value"),
        };
    }

    private static bool Folded(QuantileSketch sketch) =>
        sketch.PositiveCounts.Length >= sketch.MaxBucketsPerStore || sketch.NegativeCounts.Length >= sketch.MaxBucketsPerStore;

    private static DriftErrorBound Unbounded(string why) => new(null, null, null, null, "unbounded: " + why);

    private static DriftErrorBound Point(ColumnDriftResult result, string basis) => new(result.Score, result.Score, result.PValue, result.PValue, basis);

    private static DriftErrorBound KolmogorovSmirnovBound(QuantileSketch reference, QuantileSketch current, ColumnDriftResult result)
    {
        var r = reference.WeightedValues().ToList();
        var c = current.WeightedValues().ToList();
        double n = reference.Count, m = current.Count;
        long cumulativeR = 0, cumulativeC = 0;
        double low = 0, high = 0, largestShare = 0;
        int i = 0, j = 0;
        while (i < r.Count || j < c.Count)
        {
            var next = j >= c.Count || (i < r.Count && r[i].Value <= c[j].Value) ? r[i].Value : c[j].Value;
            var previousR = cumulativeR / n;
            var previousC = cumulativeC / m;
            long inR = 0, inC = 0;
            if (i < r.Count && r[i].Value == next)
            {
                inR = r[i++].Count;
            }

            if (j < c.Count && c[j].Value == next)
            {
                inC = c[j++].Count;
            }

            cumulativeR += inR;
            cumulativeC += inC;
            double nowR = cumulativeR / n, nowC = cumulativeC / m;
            low = Math.Max(low, Math.Abs(nowR - nowC));
            high = Math.Max(high, Math.Max(nowR - previousC, nowC - previousR));
            largestShare = Math.Max(largestShare, Math.Max(inR / n, inC / m));
        }

        low = Math.Min(low, result.Score);
        high = Math.Max(high, result.Score);
        var pHigh = KolmogorovSmirnov.WithPValue(low, (long)n, (long)m).PValue;
        var pLow = KolmogorovSmirnov.WithPValue(high, (long)n, (long)m).PValue;
        return new DriftErrorBound(low, high, Math.Min(pLow, result.PValue ?? pLow), Math.Max(pHigh, result.PValue ?? pHigh), string.Create(CultureInfo.InvariantCulture,
            $"rank error on D: the CDFs are exact at the sketch's bucket edges (relative accuracy {reference.RelativeAccuracy:0.###}) and unknown inside a bucket, so the exact D lies within {high - low:0.####} above the reported one (the largest share of one side in one bucket is {largestShare:0.####})"));
    }

    private static DriftErrorBound WassersteinBound(ReferenceProfile reference, ColumnProfile referenceColumn, ColumnProfile current, ColumnDriftResult result)
    {
        var alpha = referenceColumn.Sketch.RelativeAccuracy;
        var error = (alpha / (1 - alpha) * (MeanMagnitude(referenceColumn.Sketch) + MeanMagnitude(current.Sketch))) + (2 * QuantileSketch.MinIndexableValue);
        if (!reference.StandardDeviations.TryGetValue(current.Name, out var deviation) || double.IsNaN(deviation))
        {
            var mean = referenceColumn.Sum / referenceColumn.Count;
            deviation = Math.Sqrt(Math.Max((referenceColumn.SumOfSquares / referenceColumn.Count) - (mean * mean), 0));
        }

        var normalized = error / Math.Max(deviation, Wasserstein.MinimumNormalizingDeviation);
        return new DriftErrorBound(Math.Max(0, result.Score - normalized), result.Score + normalized, null, null, string.Create(CultureInfo.InvariantCulture,
            $"each value moves at most α/(1 − α)·|representative| to its sketch bucket's representative (α = {alpha:0.###}), so the distance is within {normalized:0.####} (in reference standard deviations) of the exact one"));
    }

    private static DriftErrorBound ChiSquareBound(ColumnProfile reference, ColumnProfile current)
    {
        var keys = reference.CategoryCounts.Keys.Union(current.CategoryCounts.Keys, StringComparer.Ordinal)
            .Where(k => reference.CategoryCounts.GetValueOrDefault(k) + current.CategoryCounts.GetValueOrDefault(k) > 0)
            .Order(StringComparer.Ordinal)
            .ToList();
        var exact = ContingencyChiSquare.Test(
            keys.Select(k => reference.CategoryCounts.GetValueOrDefault(k)).ToArray(),
            keys.Select(k => current.CategoryCounts.GetValueOrDefault(k)).ToArray(),
            yatesCorrection: true);
        return new DriftErrorBound(exact.Statistic, exact.Statistic, exact.PValue, exact.PValue,
            "exact category counts: the interval is the exact test (Yates's correction at one degree of freedom, which the profile test leaves out)");
    }

    private static double MeanMagnitude(QuantileSketch sketch)
    {
        double sum = 0;
        foreach (var (value, count) in sketch.WeightedValues())
        {
            sum += Math.Abs(value) * count;
        }

        return sketch.Count == 0 ? 0 : sum / sketch.Count;
    }
}
