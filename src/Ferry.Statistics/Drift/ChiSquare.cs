using Ferry.Statistics.Numerics;

namespace Ferry.Statistics.Drift;

/// <summary>
/// Chi-square goodness of fit of current category counts against reference proportions, as Evidently's
/// <c>chisquare</c> stat test: <c>scipy.stats.chisquare(current_counts, f_exp=reference_proportions * current_total)</c>
/// over the union of categories.
/// </summary>
/// <remarks>
/// Categories seen in the current data but absent from the reference would have an expected count of zero and an
/// infinite statistic (Evidently's behaviour). Here each such category is given a reference pseudo-count of
/// <see cref="UnseenCategoryPseudoCount"/> (half an observation), and the reference proportions are renormalised over
/// the union, so a single novel value moves the statistic by a bounded amount while many novel values still flag drift.
/// When every current category was seen in the reference the result is exactly Evidently's / scipy's.
/// </remarks>
public static class ChiSquare
{
    /// <summary>Reference pseudo-count given to a category that only the current data contains.</summary>
    public const double UnseenCategoryPseudoCount = 0.5;

    /// <summary>
    /// <c>scipy.stats.chisquare(observed, f_exp=expected)</c>: Pearson's statistic and the χ²(k − 1) upper tail.
    /// With a single cell the statistic is 0 and the p-value 1 (scipy answers NaN).
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, or the totals differ by more than 1e-8 relative (scipy's check).</exception>
    public static ChiSquareResult GoodnessOfFit(ReadOnlySpan<double> observed, ReadOnlySpan<double> expected)
    {
        if (observed.Length != expected.Length)
        {
            throw new ArgumentException("Observed and expected must have the same length.", nameof(expected));
        }

        double observedSum = 0, expectedSum = 0;
        for (var i = 0; i < observed.Length; i++)
        {
            observedSum += observed[i];
            expectedSum += expected[i];
        }

        if (Math.Abs(observedSum - expectedSum) / Math.Min(observedSum, expectedSum) > 1e-8)
        {
            throw new ArgumentException("The sums of observed and expected frequencies must agree to 1e-8 relative.", nameof(expected));
        }

        var statistic = 0.0;
        for (var i = 0; i < observed.Length; i++)
        {
            var difference = observed[i] - expected[i];
            statistic += difference * difference / expected[i];
        }

        var degreesOfFreedom = observed.Length - 1;
        var pValue = degreesOfFreedom <= 0 ? 1.0 : Survival(statistic, degreesOfFreedom);
        return new ChiSquareResult(degreesOfFreedom <= 0 ? 0.0 : statistic, pValue, Math.Max(degreesOfFreedom, 0));
    }

    /// <summary>Tests current category counts against reference category counts (keys compared ordinally).</summary>
    public static ChiSquareResult Test(IReadOnlyDictionary<string, long> reference, IReadOnlyDictionary<string, long> current)
    {
        var (_, referenceCounts, currentCounts) = CategoryAlignment.Align(reference, current, StringComparer.Ordinal);
        return Test(referenceCounts, currentCounts);
    }

    /// <summary>Tests current counts against reference counts over aligned cells (unseen cells get the pseudo-count).</summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static ChiSquareResult Test(ReadOnlySpan<long> referenceCounts, ReadOnlySpan<long> currentCounts)
    {
        if (referenceCounts.Length != currentCounts.Length)
        {
            throw new ArgumentException("Reference and current counts must have the same length.", nameof(currentCounts));
        }

        double referenceTotal = 0, currentTotal = 0;
        for (var i = 0; i < referenceCounts.Length; i++)
        {
            referenceTotal += referenceCounts[i] > 0 ? referenceCounts[i] : (currentCounts[i] > 0 ? UnseenCategoryPseudoCount : 0);
            currentTotal += currentCounts[i];
        }

        var observed = new List<double>(referenceCounts.Length);
        var expected = new List<double>(referenceCounts.Length);
        for (var i = 0; i < referenceCounts.Length; i++)
        {
            var weight = referenceCounts[i] > 0 ? referenceCounts[i] : (currentCounts[i] > 0 ? UnseenCategoryPseudoCount : 0);
            if (weight == 0)
            {
                continue;
            }

            observed.Add(currentCounts[i]);
            expected.Add(weight / referenceTotal * currentTotal);
        }

        if (currentTotal == 0 || referenceTotal == 0)
        {
            return new ChiSquareResult(0.0, 1.0, Math.Max(observed.Count - 1, 0));
        }

        return GoodnessOfFit(observed.ToArray(), expected.ToArray());
    }

    /// <summary>Survival function of the χ² distribution (scipy.stats.chi2.sf), via the regularized upper incomplete gamma.</summary>
    public static double Survival(double x, double degreesOfFreedom) => SpecialFunctions.ChiSquareSurvival(x, degreesOfFreedom);

    /// <summary>The regularized upper incomplete gamma function Q(a, x) (scipy.special.gammaincc).</summary>
    public static double RegularizedUpperGamma(double a, double x) => SpecialFunctions.RegularizedGammaQ(a, x);
}
