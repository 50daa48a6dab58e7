using System.Text;

namespace Ferry.Server.Dashboard.Charts;

/// <summary>Element ids for charts: a caller's id reduced to <c>[a-z0-9-]</c>, so derived ids are safe and predictable.</summary>
internal static class ChartIds
{
    /// <summary>Lower-cased, every run of other characters turned into one dash, no leading or trailing dash; <c>chart</c> if nothing is left.</summary>
    public static string Sanitize(string? id)
    {
        var builder = new StringBuilder();
        var pendingDash = false;
        foreach (var ch in (id ?? string.Empty).ToLowerInvariant())
        {
            if (ch is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
            {
                if (pendingDash && builder.Length > 0)
                {
                    builder.Append('-');
                }

                pendingDash = false;
                builder.Append(ch);
            }
            else
            {
                pendingDash = true;
            }
        }

        return builder.Length == 0 ? "chart" : builder.ToString();
    }
}
