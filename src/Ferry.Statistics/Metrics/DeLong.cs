using Ferry.Statistics.Numerics;

namespace Ferry.Statistics.Metrics;

/// <summary>One ROC AUC with DeLong's variance.</summary>
/// <param name="Auc">The area (ties count ½, as <c>roc_auc_score</c>).</param>
/// <param name="Variance">DeLong's estimate of its variance.</param>
public sealed record DeLongAuc(double Auc, double Variance)
{
    /// <summary>The two-sided normal interval at <paramref name="level"/>, clipped to [0, 1].</summary>
    public (double Low, double High) Interval(double level = 0.95)
    {
        var half = NormalQuantile.Upper((1 - level) / 2) * Math.Sqrt(Variance);
        return (Math.Max(0, Auc - half), Math.Min(1, Auc + half));
    }
}

/// <summary>Two correlated AUCs on the same rows (DeLong, DeLong and Clarke-Pearson 1988).</summary>
/// <param name="AucA">The first scores' AUC (the candidate).</param>
/// <param name="AucB">The second scores' AUC (the champion).</param>
/// <param name="VarianceA">Var(AUC A).</param>
/// <param name="VarianceB">Var(AUC B).</param>
/// <param name="Covariance">Cov(AUC A, AUC B).</param>
public sealed record DeLongComparison(double AucA, double AucB, double VarianceA, double VarianceB, double Covariance)
{
    /// <summary>AUC A − AUC B.</summary>
    public double Difference => AucA - AucB;

    /// <summary>The standard error of the difference.</summary>
    public double StandardError => Math.Sqrt(Math.Max(0, VarianceA + VarianceB - (2 * Covariance)));

    /// <summary>
    /// Two-sided p-value of H0 "AUC A = AUC B" (DeLong's test): 2 Φ(−|difference| / SE). With a zero standard error it is
    /// 1 when the AUCs are equal, else 0.
    /// </summary>
    public double TwoSidedPValue()
    {
        var se = StandardError;
        if (se == 0)
        {
            return Difference == 0 ? 1 : 0;
        }

        return Math.Min(1, 2 * SpecialFunctions.NormalSurvival(Math.Abs(Difference) / se));
    }

    /// <summary>
    /// One-sided p-value of H0 "A is not worse than B by more than <paramref name="margin"/>" (AUC A − AUC B ≥ −margin)
    /// against "A is worse by more than the margin": Φ((difference + margin) / SE). With a zero standard error it is 0
    /// when the difference is below −margin, else 1.
    /// </summary>
    public double WorseByMorePValue(double margin)
    {
        var shifted = Difference + margin;
        var se = StandardError;
        if (se == 0)
        {
            return shifted < 0 ? 0 : 1;
        }

        return SpecialFunctions.NormalSurvival(-shifted / se);
    }
}

/// <summary>
/// DeLong's nonparametric variance of ROC AUCs through placement values computed from mid-ranks (Sun and Xu 2014),
/// O(n log n) per score vector: V10(x) = (mid-rank of x among all − its mid-rank among positives) / n, and
/// V01(y) = 1 − (mid-rank of y among all − its mid-rank among negatives) / m, for m positives and n negatives.
/// </summary>
public static class DeLong
{
    /// <summary>One AUC and its variance.</summary>
    /// <exception cref="ArgumentException">Lengths differ, a score is NaN, or a class is absent.</exception>
    public static DeLongAuc Estimate(ReadOnlySpan<bool> actual, ReadOnlySpan<double> scores)
    {
        var p = Placements(actual, scores);
        return new DeLongAuc(p.Auc, (Covariance(p.Positive, p.Positive) / p.Positive.Length) + (Covariance(p.Negative, p.Negative) / p.Negative.Length));
    }

    /// <summary>Two AUCs on the same rows, their variances and covariance.</summary>
    /// <exception cref="ArgumentException">Lengths differ, a score is NaN, or a class is absent.</exception>
    public static DeLongComparison Compare(ReadOnlySpan<bool> actual, ReadOnlySpan<double> scoresA, ReadOnlySpan<double> scoresB)
    {
        var a = Placements(actual, scoresA);
        var b = Placements(actual, scoresB);
        double m = a.Positive.Length, n = a.Negative.Length;
        return new DeLongComparison(
            a.Auc,
            b.Auc,
            (Covariance(a.Positive, a.Positive) / m) + (Covariance(a.Negative, a.Negative) / n),
            (Covariance(b.Positive, b.Positive) / m) + (Covariance(b.Negative, b.Negative) / n),
            (Covariance(a.Positive, b.Positive) / m) + (Covariance(a.Negative, b.Negative) / n));
    }

    private sealed record PlacementValues(double Auc, double[] Positive, double[] Negative);

    private static PlacementValues Placements(ReadOnlySpan<bool> actual, ReadOnlySpan<double> scores)
    {
        if (actual.Length != scores.Length)
        {
            throw new ArgumentException("Labels and scores must have the same length.", nameof(scores));
        }

        var positives = new List<double>();
        var negatives = new List<double>();
        for (var i = 0; i < actual.Length; i++)
        {
            if (double.IsNaN(scores[i]))
            {
                throw new ArgumentException("Scores must not be NaN.", nameof(scores));
            }

            (actual[i] ? positives : negatives).Add(scores[i]);
        }

        if (positives.Count == 0 || negatives.Count == 0)
        {
            throw new ArgumentException("Both classes must be present.", nameof(actual));
        }

        double m = positives.Count, n = negatives.Count;
        var all = new double[positives.Count + negatives.Count];
        positives.CopyTo(all, 0);
        negatives.CopyTo(all, positives.Count);
        var rankAll = MidRanks(all);
        var rankPositive = MidRanks([.. positives]);
        var rankNegative = MidRanks([.. negatives]);
        var v10 = new double[positives.Count];
        var sum = 0.0;
        for (var i = 0; i < v10.Length; i++)
        {
            v10[i] = (rankAll[i] - rankPositive[i]) / n;
            sum += rankAll[i];
        }

        var v01 = new double[negatives.Count];
        for (var j = 0; j < v01.Length; j++)
        {
            v01[j] = 1 - ((rankAll[positives.Count + j] - rankNegative[j]) / m);
        }

        return new PlacementValues((sum - (m * (m + 1) / 2)) / (m * n), v10, v01);
    }

    /// <summary>1-based ranks, tied values sharing their average rank.</summary>
    internal static double[] MidRanks(double[] values)
    {
        var order = new int[values.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var sorted = (double[])values.Clone();
        Array.Sort(sorted, order);
        var ranks = new double[values.Length];
        var start = 0;
        while (start < sorted.Length)
        {
            var end = start;
            while (end + 1 < sorted.Length && sorted[end + 1] == sorted[start])
            {
                end++;
            }

            var average = (start + end + 2) / 2.0;
            for (var k = start; k <= end; k++)
            {
                ranks[order[k]] = average;
            }

            start = end + 1;
        }

        return ranks;
    }

    /// <summary>The sample covariance (denominator k − 1; 0 for a single value).</summary>
    private static double Covariance(double[] x, double[] y)
    {
        if (x.Length < 2)
        {
            return 0;
        }

        double mx = x.Average(), my = y.Average(), sum = 0;
        for (var i = 0; i < x.Length; i++)
        {
            sum += (x[i] - mx) * (y[i] - my);
        }

        return sum / (x.Length - 1);
    }
}
