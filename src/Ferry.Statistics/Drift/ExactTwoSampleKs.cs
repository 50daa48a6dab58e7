namespace Ferry.Statistics.Drift;

/// <summary>
/// The exact two-sided null distribution of the two-sample Kolmogorov–Smirnov statistic, ported from scipy 1.10
/// (<c>_compute_prob_outside_square</c> for equal sizes, <c>_compute_outer_prob_inside_method</c> otherwise:
/// Hodges' lattice-path count in Viehmann's numerically stable form).
/// </summary>
internal static class ExactTwoSampleKs
{
    /// <summary>Tries the exact p-value for D = h / lcm(n1, n2); false when it is not a probability.</summary>
    public static bool TryPValue(long n1, long n2, double statistic, out double roundedStatistic, out double pValue)
    {
        var g = GreatestCommonDivisor(n1, n2);
        var lcm = n1 / g * n2;
        var h = (long)Math.Round(statistic * lcm, MidpointRounding.ToEven);
        roundedStatistic = h * 1.0 / lcm;
        if (h == 0)
        {
            pValue = 1.0;
            return true;
        }

        pValue = n1 == n2 ? ProbabilityOutsideSquare(n1, h) : ProbabilityOutsideInside(n1, n2, g, h);
        return pValue is >= 0 and <= 1;
    }

    public static long GreatestCommonDivisor(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }

    private static double ProbabilityOutsideSquare(long n, long h)
    {
        // P = 2 * A0 * (1 - A1 * (1 - A2 * (1 - ...))), each Ai a ratio of binomials over h simple terms.
        var p = 0.0;
        var k = n / h;
        while (k >= 0)
        {
            var p1 = 1.0;
            for (long j = 0; j < h; j++)
            {
                p1 = (n - (k * h) - j) * p1 / (n + (k * h) + j + 1);
            }

            p = p1 * (1.0 - p);
            k--;
        }

        return 2 * p;
    }

    private static double ProbabilityOutsideInside(long m, long n, long g, long h)
    {
        if (m < n)
        {
            (m, n) = (n, m);
        }

        var mg = m / g;
        var ng = n / g;
        long minJ = 0;
        var maxJ = Math.Min(CeilingDivide(h, mg), n + 1);
        var currentLength = maxJ - minJ;
        var lengthA = Math.Min((2 * maxJ) + 2, n + 1);
        var a = new double[lengthA];
        Array.Fill(a, 1.0);
        for (var j = minJ; j < Math.Min(maxJ, lengthA); j++)
        {
            a[j] = 0.0;
        }

        for (long i = 1; i <= m; i++)
        {
            var lastMinJ = minJ;
            var lastLength = currentLength;
            minJ = Math.Max(FloorDivide((ng * i) - h, mg) + 1, 0);
            minJ = Math.Min(minJ, n);
            maxJ = Math.Min(CeilingDivide((ng * i) + h, mg), n + 1);
            if (maxJ <= minJ)
            {
                return 1.0;
            }

            var value = minJ == 0 ? 0.0 : 1.0;
            for (long jj = 0; jj < maxJ - minJ; jj++)
            {
                var j = jj + minJ;
                value = ((a[jj + minJ - lastMinJ] * i) + (value * j)) / (i + j);
                a[jj] = value;
            }

            currentLength = maxJ - minJ;
            if (lastLength > currentLength)
            {
                var end = Math.Min(maxJ - minJ + (lastLength - currentLength), lengthA);
                for (var j = maxJ - minJ; j < end; j++)
                {
                    a[j] = 1;
                }
            }
        }

        return a[maxJ - minJ - 1];
    }

    private static long FloorDivide(long numerator, long denominator)
    {
        var quotient = numerator / denominator;
        return (numerator % denominator != 0 && (numerator < 0) != (denominator < 0)) ? quotient - 1 : quotient;
    }

    private static long CeilingDivide(long numerator, long denominator) => -FloorDivide(-numerator, denominator);
}
