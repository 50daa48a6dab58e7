namespace Ferry.Statistics.Drift;

/// <summary>
/// Population stability index over matching bins: Σ (cur% − ref%) · ln(cur% / ref%), as Evidently's <c>psi</c> stat
/// test. Percentages are counts over the side's total; a percentage of exactly zero (an empty bin) is replaced by
/// <see cref="EmptyBinProportion"/> on either side, without renormalising, exactly as Evidently does.
/// </summary>
public static class PopulationStability
{
    /// <summary>Proportion used in place of an empty bin's zero.</summary>
    public const double EmptyBinProportion = 0.0001;

    /// <summary>PSI from bin counts (the two spans are aligned bin by bin).</summary>
    /// <exception cref="ArgumentException">Lengths differ or a side has no counts.</exception>
    public static double Index(ReadOnlySpan<long> referenceCounts, ReadOnlySpan<long> currentCounts)
    {
        if (referenceCounts.Length != currentCounts.Length)
        {
            throw new ArgumentException("Reference and current must have the same number of bins.", nameof(currentCounts));
        }

        double referenceTotal = 0, currentTotal = 0;
        for (var i = 0; i < referenceCounts.Length; i++)
        {
            referenceTotal += referenceCounts[i];
            currentTotal += currentCounts[i];
        }

        if (referenceTotal <= 0 || currentTotal <= 0)
        {
            throw new ArgumentException("Both sides need at least one counted value.", nameof(currentCounts));
        }

        var referenceProportions = new double[referenceCounts.Length];
        var currentProportions = new double[currentCounts.Length];
        for (var i = 0; i < referenceCounts.Length; i++)
        {
            referenceProportions[i] = referenceCounts[i] / referenceTotal;
            currentProportions[i] = currentCounts[i] / currentTotal;
        }

        return IndexFromProportions(referenceProportions, currentProportions);
    }

    /// <summary>PSI from category counts over the union of categories (keys compared ordinally).</summary>
    public static double Index(IReadOnlyDictionary<string, long> reference, IReadOnlyDictionary<string, long> current)
    {
        var (_, referenceCounts, currentCounts) = CategoryAlignment.Align(reference, current, StringComparer.Ordinal);
        return Index(referenceCounts, currentCounts);
    }

    /// <summary>PSI from proportions that already sum to one per side (zeros are replaced, nothing is renormalised).</summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static double IndexFromProportions(ReadOnlySpan<double> referenceProportions, ReadOnlySpan<double> currentProportions)
    {
        if (referenceProportions.Length != currentProportions.Length)
        {
            throw new ArgumentException("Reference and current must have the same number of bins.", nameof(currentProportions));
        }

        var psi = 0.0;
        for (var i = 0; i < referenceProportions.Length; i++)
        {
            var reference = referenceProportions[i] == 0 ? EmptyBinProportion : referenceProportions[i];
            var current = currentProportions[i] == 0 ? EmptyBinProportion : currentProportions[i];
            psi += (reference - current) * Math.Log(reference / current);
        }

        return psi;
    }
}
