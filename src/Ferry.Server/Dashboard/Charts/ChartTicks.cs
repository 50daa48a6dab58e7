namespace Ferry.Server.Dashboard.Charts;

/// <summary>Axis ticks at round numbers: steps of 1, 2 or 5 × 10^k, at most <see cref="MaxTicks"/> of them.</summary>
internal static class ChartTicks
{
    private const int MaxTicks = 8;
    private const double Tolerance = 1e-9;
    private static readonly double[] Mantissas = [1, 2, 5];

    /// <summary>Ticks whose first is at or below <paramref name="min"/> and last at or above <paramref name="max"/> (4–8 of them).</summary>
    public static IReadOnlyList<double> Covering(double min, double max)
    {
        (min, max) = Widen(min, max);
        foreach (var step in Steps(max - min))
        {
            var first = Math.Floor((min / step) + Tolerance);
            var last = Math.Ceiling((max / step) - Tolerance);
            if (last - first + 1 <= MaxTicks)
            {
                return Make(first, last, step);
            }
        }

        return [min, max];
    }

    /// <summary>Ticks at round numbers inside [<paramref name="min"/>, <paramref name="max"/>] (at most 8).</summary>
    public static IReadOnlyList<double> Within(double min, double max)
    {
        (min, max) = Widen(min, max);
        foreach (var step in Steps(max - min))
        {
            var first = Math.Ceiling((min / step) - Tolerance);
            var last = Math.Floor((max / step) + Tolerance);
            if (last - first + 1 <= MaxTicks)
            {
                return Make(first, last, step);
            }
        }

        return [min, max];
    }

    /// <summary>A non-empty interval: equal ends are spread apart.</summary>
    public static (double Min, double Max) Widen(double min, double max)
    {
        if (max > min)
        {
            return (min, max);
        }

        var pad = min == 0 ? 1 : Math.Abs(min) * 0.1;
        return (min - pad, max + pad);
    }

    private static IEnumerable<double> Steps(double range)
    {
        var exponent = (int)Math.Floor(Math.Log10(range)) - 2;
        for (var k = exponent; k <= exponent + 4; k++)
        {
            foreach (var mantissa in Mantissas)
            {
                yield return mantissa * Math.Pow(10, k);
            }
        }
    }

    private static List<double> Make(double first, double last, double step)
    {
        var decimals = Math.Clamp(2 - (int)Math.Floor(Math.Log10(step)), 0, 15);
        var ticks = new List<double>();
        for (var i = first; i <= last; i++)
        {
            ticks.Add(Math.Round(i * step, decimals));
        }

        return ticks;
    }
}
