using Ferry.Statistics.Numerics;

namespace Ferry.Statistics.Drift;

/// <summary>
/// Survival function of the one-sided one-sample Kolmogorov–Smirnov statistic D⁺ₙ (scipy.special.smirnov), by the
/// Smirnov / Birnbaum–Tingey sum with every term taken in log space. It follows the case split of scipy's
/// <c>_smirnov3</c>; the lower sum is always used (scipy switches to the upper sum only for x ≤ ½/√n, which the
/// two-sided Kolmogorov distribution never asks for).
/// </summary>
internal static class SmirnovDistribution
{
    private const int MaxComputeN = 1_000_000;
    private const double MinLog = -708.3964185322641;
    private const double Epsilon = 2.220446049250313e-16;

    /// <summary>P(D⁺ₙ ≥ x).</summary>
    public static double Survival(int n, double x)
    {
        if (!(n > 0 && x >= 0.0 && x <= 1.0))
        {
            return double.NaN;
        }

        if (n == 1)
        {
            return 1 - x;
        }

        if (x == 0.0)
        {
            return 1.0;
        }

        if (x == 1.0)
        {
            return 0.0;
        }

        var (nxFloor, alpha) = FloorOfProduct(n, x);
        if (nxFloor == 0 || (nxFloor == 1 && alpha == 0))
        {
            var cdf = x * Math.Pow(1 + x, n - 1);
            return Math.Clamp(1 - cdf, 0, 1);
        }

        if (-2.0 * n * x * x < MinLog)
        {
            return 0.0;
        }

        if (nxFloor >= n - 1)
        {
            return Math.Pow(1 - x, n);
        }

        if (n > MaxComputeN)
        {
            var logp = -Math.Pow((6.0 * n * x) + 1.0, 2) / 18.0 / n;
            return Math.Exp(logp);
        }

        return Math.Clamp(LowerSum(n, x), 0, 1);
    }

    private static double LowerSum(int n, double x)
    {
        // sf = x * sum_{v=0}^{n - floor(nx) - 1} C(n, v) p^(v-1) q^(n-v), with p = x + v/n and q = 1 - p.
        // Each term is the binomial probability b(v; n, p) / p, evaluated by Loader's saddle-point form so that its
        // relative error stays near 1e-15 even for n in the millions.
        var (nxFloor, _) = FloorOfProduct(n, x);
        var product = n * x;
        var productError = Math.FusedMultiplyAdd(n, x, -product);
        var lastV = n - nxFloor - 1;
        var sum = Math.Exp(n * SpecialFunctions.Log1P(-x)) / x; // v = 0: q^n / p
        var stirlingN = SpecialFunctions.StirlingError(n);
        for (var v = 1; v <= lastV; v++)
        {
            var np = (v + product) + productError;
            var nq = (n - v - product) - productError;
            var logTerm = stirlingN - SpecialFunctions.StirlingError(v) - SpecialFunctions.StirlingError(n - v)
                - SpecialFunctions.DevianceTerm(v, np) - SpecialFunctions.DevianceTerm(n - v, nq);
            var term = Math.Exp(logTerm) * Math.Sqrt(n / (2 * Math.PI * v * (double)(n - v))) * n / np;
            sum += term;
            if (term != 0 && 4.0 * (lastV + 1 - v) * term < Epsilon * sum && v != lastV)
            {
                break;
            }
        }

        return x * sum;
    }

    /// <summary>floor(n x) and the fractional part, with n x formed exactly through a fused multiply-add.</summary>
    private static (int Floor, double Fraction) FloorOfProduct(int n, double x)
    {
        var product = n * x;
        var error = Math.FusedMultiplyAdd(n, x, -product);
        var floor = Math.Floor(product);
        var fraction = (product - floor) + error;
        if (fraction < 0)
        {
            floor -= 1;
            fraction += 1;
        }
        else if (fraction >= 1)
        {
            floor += 1;
            fraction -= 1;
        }

        return ((int)floor, fraction);
    }
}
