using Ferry.Statistics.Numerics;

namespace Ferry.Statistics.Drift;

/// <summary>
/// Evidently's <c>z</c> stat test for binary columns: a pooled two-proportion z-test. The two-sided p-value is
/// 2 · Φ̄(|z|) through an accurate erfc (Evidently writes 2 · (1 − Φ(|z|)), which rounds to 0 beyond |z| ≈ 8.3).
/// </summary>
public static class TwoProportionZ
{
    /// <summary>Tests whether the share of "successes" differs between reference and current.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A total is not positive or successes exceed the total.</exception>
    public static ZTestResult Test(long referenceSuccesses, long referenceTotal, long currentSuccesses, long currentTotal)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(referenceTotal);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(currentTotal);
        ArgumentOutOfRangeException.ThrowIfNegative(referenceSuccesses);
        ArgumentOutOfRangeException.ThrowIfNegative(currentSuccesses);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(referenceSuccesses, referenceTotal);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(currentSuccesses, currentTotal);

        double n1 = referenceTotal, n2 = currentTotal;
        var p1 = referenceSuccesses / n1;
        var p2 = currentSuccesses / n2;
        var pooled = ((p1 * n1) + (p2 * n2)) / (n1 + n2);
        if (pooled <= 0 || pooled >= 1)
        {
            // Both samples hold a single, identical value: no evidence of a difference (Evidently's special case).
            return new ZTestResult(0.0, 1.0);
        }

        var z = (p1 - p2) / Math.Sqrt(pooled * (1 - pooled) * ((1.0 / n1) + (1.0 / n2)));
        return new ZTestResult(z, 2 * SpecialFunctions.NormalSurvival(Math.Abs(z)));
    }

    /// <summary>
    /// Tests two count tables with at most two categories in their union; "success" is the first category in ordinal
    /// order (the p-value does not depend on the choice). A single category in total gives p = 1.
    /// </summary>
    /// <exception cref="ArgumentException">The union holds more than two categories, or a side is empty.</exception>
    public static ZTestResult Test(IReadOnlyDictionary<string, long> reference, IReadOnlyDictionary<string, long> current)
    {
        var (keys, referenceCounts, currentCounts) = CategoryAlignment.Align(reference, current, StringComparer.Ordinal);
        if (keys.Length > 2)
        {
            throw new ArgumentException("The z-test needs at most two categories in reference and current together.", nameof(current));
        }

        return Test(referenceCounts, currentCounts);
    }

    internal static ZTestResult Test(long[] referenceCounts, long[] currentCounts)
    {
        var referenceTotal = referenceCounts.Sum();
        var currentTotal = currentCounts.Sum();
        if (referenceTotal == 0 || currentTotal == 0)
        {
            throw new ArgumentException("Both samples must be non-empty.");
        }

        return referenceCounts.Length < 2
            ? new ZTestResult(0.0, 1.0)
            : Test(referenceCounts[0], referenceTotal, currentCounts[0], currentTotal);
    }

    /// <summary>Survival function of the standard normal distribution (scipy.stats.norm.sf).</summary>
    public static double NormalSurvival(double z) => SpecialFunctions.NormalSurvival(z);
}
