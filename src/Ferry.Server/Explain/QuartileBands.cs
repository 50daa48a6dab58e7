using System.Globalization;

namespace Ferry.Server.Explain;

/// <summary>
/// Names a numeric column's values by the quartile band of the column they fall in (<c>≤ q1</c>, <c>q1 – q2</c>, …,
/// <c>&gt; q3</c>; <c>missing</c> for NaN), so that the model card's fairness table and the fairness gate group rows alike.
/// </summary>
internal static class QuartileBands
{
    private static readonly double[] Quartiles = [0.25, 0.5, 0.75];

    /// <summary>Each value's band; every value <c>missing</c> when none is a number.</summary>
    public static string[] Of(double[] values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0)
        {
            return [.. values.Select(_ => "missing")];
        }

        var cuts = Quartiles.Select(q => sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(q * sorted.Length))]).Distinct().ToArray();
        string Band(double v)
        {
            if (double.IsNaN(v))
            {
                return "missing";
            }

            var i = Array.FindIndex(cuts, c => v <= c);
            return i switch
            {
                0 => $"≤ {cuts[0].ToString("G6", CultureInfo.InvariantCulture)}",
                -1 => $"> {cuts[^1].ToString("G6", CultureInfo.InvariantCulture)}",
                _ => $"{cuts[i - 1].ToString("G6", CultureInfo.InvariantCulture)} – {cuts[i].ToString("G6", CultureInfo.InvariantCulture)}",
            };
        }

        return [.. values.Select(Band)];
    }
}
