using Ferry.Statistics.Numerics;

namespace Ferry.Statistics.Metrics;

/// <summary>McNemar's test of two classifiers' paired correctness.</summary>
/// <param name="OnlyA">Rows A got right and B wrong (b).</param>
/// <param name="OnlyB">Rows B got right and A wrong (c).</param>
/// <param name="Statistic">The chi-square statistic with continuity correction, (|b − c| − 1)² / (b + c); 0 without discordant rows.</param>
/// <param name="PValue">Two-sided p-value.</param>
/// <param name="Exact">True when the p-value is the exact binomial one (fewer than <see cref="McNemar.ExactBelow"/> discordant rows).</param>
public sealed record McNemarResult(int OnlyA, int OnlyB, double Statistic, double PValue, bool Exact);

/// <summary>
/// McNemar's test of H0 "A and B are right equally often" on the same rows. Only discordant rows count (b: A right, B
/// wrong; c: the reverse). With fewer than <see cref="ExactBelow"/> of them the p-value is the exact two-sided binomial
/// one, min(1, 2 P(X ≤ min(b, c))) for X ~ Binomial(b + c, ½) (<c>scipy.stats.binomtest(b, b + c).pvalue</c>); otherwise
/// the chi-square with continuity correction, (|b − c| − 1)² / (b + c) on 1 degree of freedom.
/// </summary>
public static class McNemar
{
    /// <summary>Discordant counts below this use the exact binomial test.</summary>
    public const int ExactBelow = 25;

    /// <summary>Tests two correctness vectors of the same rows.</summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static McNemarResult Test(ReadOnlySpan<bool> correctA, ReadOnlySpan<bool> correctB)
    {
        if (correctA.Length != correctB.Length)
        {
            throw new ArgumentException("Both models need a result for each of the same rows.", nameof(correctB));
        }

        int b = 0, c = 0;
        for (var i = 0; i < correctA.Length; i++)
        {
            if (correctA[i] && !correctB[i])
            {
                b++;
            }
            else if (!correctA[i] && correctB[i])
            {
                c++;
            }
        }

        return Test(b, c);
    }

    /// <summary>Tests discordant counts b (only A right) and c (only B right).</summary>
    public static McNemarResult Test(int onlyA, int onlyB)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(onlyA);
        ArgumentOutOfRangeException.ThrowIfNegative(onlyB);
        var n = onlyA + onlyB;
        if (n == 0)
        {
            return new McNemarResult(onlyA, onlyB, 0, 1, true);
        }

        var corrected = Math.Max(0, Math.Abs(onlyA - onlyB) - 1.0);
        var statistic = corrected * corrected / n;
        if (n < ExactBelow)
        {
            return new McNemarResult(onlyA, onlyB, statistic, Math.Min(1, 2 * BinomialHalfCdf(Math.Min(onlyA, onlyB), n)), true);
        }

        return new McNemarResult(onlyA, onlyB, statistic, SpecialFunctions.ChiSquareSurvival(statistic, 1), false);
    }

    /// <summary>P(X ≤ k) for X ~ Binomial(n, ½), summed in log space.</summary>
    internal static double BinomialHalfCdf(int k, int n)
    {
        var sum = 0.0;
        var logHalfN = n * Math.Log(0.5);
        var logN = SpecialFunctions.LogGamma(n + 1.0);
        for (var i = 0; i <= k; i++)
        {
            sum += Math.Exp(logN - SpecialFunctions.LogGamma(i + 1.0) - SpecialFunctions.LogGamma(n - i + 1.0) + logHalfN);
        }

        return sum;
    }
}
