using System.Globalization;
using System.Text.RegularExpressions;

namespace Ferry.Cli.Settings;

/// <summary>Parses the sizes (<c>512MiB</c>, <c>2GiB</c>, <c>1048576</c>) and durations (<c>200ms</c>, <c>5s</c>, <c>30d</c>) that server settings take.</summary>
internal static partial class Quantities
{
    /// <summary>Bytes from a whole number with an optional unit (B, KiB/KB, MiB/MB, GiB/GB, TiB/TB; KB means 1000, KiB 1024); null when it is not one.</summary>
    public static long? ParseSize(string text)
    {
        var match = SizePattern().Match(text.Trim());
        if (!match.Success || !long.TryParse(match.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        var unit = match.Groups["u"].Value.ToUpperInvariant();
        long multiplier = unit switch
        {
            "" or "B" => 1,
            "KB" => 1000,
            "KIB" or "K" => 1L << 10,
            "MB" => 1000_000,
            "MIB" or "M" => 1L << 20,
            "GB" => 1000_000_000,
            "GIB" or "G" => 1L << 30,
            "TB" => 1000_000_000_000,
            "TIB" or "T" => 1L << 40,
            _ => 0,
        };
        if (multiplier == 0)
        {
            return null;
        }

        try
        {
            return checked(number * multiplier);
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    /// <summary>A duration from a whole number and a unit (ms, s, m, h, d); null when it is not one.</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        var match = DurationPattern().Match(text.Trim());
        if (!match.Success || !long.TryParse(match.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            || number > 100_000_000)
        {
            return null;
        }

        return match.Groups["u"].Value.ToUpperInvariant() switch
        {
            "MS" => TimeSpan.FromMilliseconds(number),
            "S" => TimeSpan.FromSeconds(number),
            "M" => TimeSpan.FromMinutes(number),
            "H" => TimeSpan.FromHours(number),
            "D" => TimeSpan.FromDays(number),
            _ => null,
        };
    }

    [GeneratedRegex(@"^(?<n>[0-9]{1,19})\s*(?<u>[A-Za-z]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex SizePattern();

    [GeneratedRegex(@"^(?<n>[0-9]{1,12})\s*(?<u>ms|s|m|h|d)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex DurationPattern();
}
