namespace Ferry.Statistics.Drift;

/// <summary>
/// Pearson's chi-square test of homogeneity on a 2 × k table (reference counts and current counts per category), as
/// <c>scipy.stats.chi2_contingency(table, correction=False)</c>. Unlike the goodness-of-fit test against the reference's
/// proportions, it accounts for the reference being a sample too, so undrifted data is flagged at the nominal rate.
/// Categories empty in both rows are left out; degrees of freedom are the remaining categories minus one. With
/// <c>yatesCorrection</c> and one degree of freedom each observed count is moved by min(0.5, |expected − observed|)
/// towards its expected count first, as <c>chi2_contingency(table, correction=True)</c>.
/// </summary>
public static class ContingencyChiSquare
{
    /// <summary>The statistic, its p-value and degrees of freedom; p = 1 when fewer than two categories or a row is empty.</summary>
    /// <exception cref="ArgumentException">The rows differ in length, or a count is negative.</exception>
    public static ChiSquareResult Test(ReadOnlySpan<long> reference, ReadOnlySpan<long> current) => Test(reference, current, yatesCorrection: false);

    /// <summary>The statistic, its p-value and degrees of freedom, with Yates's correction at one degree of freedom when asked.</summary>
    /// <exception cref="ArgumentException">The rows differ in length, or a count is negative.</exception>
    public static ChiSquareResult Test(ReadOnlySpan<long> reference, ReadOnlySpan<long> current, bool yatesCorrection)
    {
        if (reference.Length != current.Length)
        {
            throw new ArgumentException("Both rows need one count per category.", nameof(current));
        }

        double referenceTotal = 0;
        double currentTotal = 0;
        var categories = 0;
        for (var j = 0; j < reference.Length; j++)
        {
            if (reference[j] < 0 || current[j] < 0)
            {
                throw new ArgumentException("Counts cannot be negative.", nameof(reference));
            }

            referenceTotal += reference[j];
            currentTotal += current[j];
            categories += reference[j] + current[j] > 0 ? 1 : 0;
        }

        if (categories < 2 || referenceTotal == 0 || currentTotal == 0)
        {
            return new ChiSquareResult(0, 1, Math.Max(categories - 1, 0));
        }

        var total = referenceTotal + currentTotal;
        var correct = yatesCorrection && categories == 2;
        double statistic = 0;
        for (var j = 0; j < reference.Length; j++)
        {
            double column = reference[j] + current[j];
            if (column == 0)
            {
                continue;
            }

            var expectedReference = referenceTotal * column / total;
            var expectedCurrent = currentTotal * column / total;
            var observedReference = correct ? Corrected(reference[j], expectedReference) : reference[j];
            var observedCurrent = correct ? Corrected(current[j], expectedCurrent) : current[j];
            statistic += ((observedReference - expectedReference) * (observedReference - expectedReference) / expectedReference)
                + ((observedCurrent - expectedCurrent) * (observedCurrent - expectedCurrent) / expectedCurrent);
        }

        var freedom = categories - 1;
        return new ChiSquareResult(statistic, ChiSquare.Survival(statistic, freedom), freedom);
    }

    private static double Corrected(double observed, double expected)
    {
        var difference = expected - observed;
        return observed + (Math.Min(0.5, Math.Abs(difference)) * Math.Sign(difference));
    }
}
