namespace Ferry.Statistics.Profiles;

/// <summary>numpy's default quantile (method 'linear', type 7 of Hyndman and Fan) on sorted data, bit for bit.</summary>
internal static class LinearQuantile
{
    /// <summary>np.quantile(sorted, q) for a sorted, non-empty array.</summary>
    public static double Of(ReadOnlySpan<double> sorted, double q)
    {
        var n = sorted.Length;
        var virtualIndex = (n - 1) * q;
        var previous = (int)Math.Floor(virtualIndex);
        if (virtualIndex >= n - 1)
        {
            return sorted[n - 1];
        }

        if (previous < 0)
        {
            return sorted[0];
        }

        var gamma = virtualIndex - previous;
        var a = sorted[previous];
        var b = sorted[previous + 1];
        var difference = b - a;
        return gamma >= 0.5 ? b - (difference * (1 - gamma)) : a + (difference * gamma);
    }
}
