namespace Ferry.Statistics.Drift;

/// <summary>
/// Jensen–Shannon distance, <c>scipy.spatial.distance.jensenshannon(p, q)</c> with the natural logarithm: both vectors
/// are normalised to sum to one, m = (p + q) / 2, and the distance is √((KL(p‖m) + KL(q‖m)) / 2). It lies in
/// [0, √ln 2]. As Evidently's <c>jensenshannon</c> stat test, empty bins are left at zero (no replacement).
/// </summary>
public static class JensenShannon
{
    /// <summary>Distance between two non-negative weight vectors aligned bin by bin.</summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static double Distance(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        if (p.Length != q.Length)
        {
            throw new ArgumentException("Both distributions must have the same number of bins.", nameof(q));
        }

        double pSum = 0, qSum = 0;
        for (var i = 0; i < p.Length; i++)
        {
            pSum += p[i];
            qSum += q[i];
        }

        double left = 0, right = 0;
        for (var i = 0; i < p.Length; i++)
        {
            var pi = p[i] / pSum;
            var qi = q[i] / qSum;
            var m = (pi + qi) / 2.0;
            left += RelativeEntropy(pi, m);
            right += RelativeEntropy(qi, m);
        }

        var divergence = (left + right) / 2.0;
        return Math.Sqrt(Math.Max(divergence, 0.0));
    }

    /// <summary>Distance between two count vectors aligned bin by bin.</summary>
    public static double Distance(ReadOnlySpan<long> p, ReadOnlySpan<long> q)
    {
        var pWeights = new double[p.Length];
        var qWeights = new double[q.Length];
        for (var i = 0; i < p.Length; i++)
        {
            pWeights[i] = p[i];
        }

        for (var i = 0; i < q.Length; i++)
        {
            qWeights[i] = q[i];
        }

        return Distance(pWeights, qWeights);
    }

    /// <summary>Distance between category count tables over the union of categories (keys compared ordinally).</summary>
    public static double Distance(IReadOnlyDictionary<string, long> reference, IReadOnlyDictionary<string, long> current)
    {
        var (_, referenceCounts, currentCounts) = CategoryAlignment.Align(reference, current, StringComparer.Ordinal);
        return Distance(referenceCounts, currentCounts);
    }

    private static double RelativeEntropy(double x, double y)
    {
        if (x > 0 && y > 0)
        {
            return x * Math.Log(x / y);
        }

        return x == 0 && y >= 0 ? 0.0 : double.PositiveInfinity;
    }
}
