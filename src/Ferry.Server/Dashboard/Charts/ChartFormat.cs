using System.Globalization;

namespace Ferry.Server.Dashboard.Charts;

/// <summary>Numbers and text as charts write them: invariant culture, coordinates to one decimal, no negative zero.</summary>
internal static class ChartFormat
{
    /// <summary>Rough width of one character of 12px text, for layout.</summary>
    public const double CharWidth = 6.6;

    /// <summary>A coordinate: one decimal, invariant.</summary>
    public static string Coord(double value)
    {
        if (!double.IsFinite(value))
        {
            return "0";
        }

        var rounded = Math.Round(value, 1, MidpointRounding.AwayFromZero);
        return (rounded == 0 ? 0 : rounded).ToString("0.#", CultureInfo.InvariantCulture);
    }

    /// <summary>A value with a .NET format string, invariant, never <c>-0</c>.</summary>
    public static string Value(double value, string format) =>
        (value == 0 ? 0 : value).ToString(format, CultureInfo.InvariantCulture);

    /// <summary>A share 0–1 as a percentage with one decimal, e.g. <c>42.5%</c>.</summary>
    public static string Percent(double share) => Value(share, "0.0%");

    /// <summary>A difference with its sign: <c>+0.23</c>, <c>−0.1</c> (true minus sign), <c>0</c>.</summary>
    public static string Signed(double value, Func<double, string> format) =>
        value switch
        {
            > 0 => "+" + format(value),
            < 0 => "\u2212" + format(-value),
            _ => format(0),
        };

    /// <summary>A UTC time as <c>2025-03-14 14:00</c>.</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Text cut to <paramref name="max"/> characters, ending in an ellipsis when cut.</summary>
    public static string Truncate(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var cut = Math.Max(1, max - 1);
        if (char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return string.Concat(text.AsSpan(0, cut), "\u2026");
    }
}
