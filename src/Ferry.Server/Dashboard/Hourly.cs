namespace Ferry.Server.Dashboard;

/// <summary>Groups timed values into whole UTC hours for charts.</summary>
public static class Hourly
{
    private const long HourMs = 3_600_000;

    /// <summary>The start of every hour in [from, to).</summary>
    public static IReadOnlyList<DateTimeOffset> Hours(DateTimeOffset from, DateTimeOffset to)
    {
        var hours = new List<DateTimeOffset>();
        for (var at = from; at < to; at = at.AddHours(1))
        {
            hours.Add(at);
        }

        return hours;
    }

    /// <summary>The hour an epoch-ms time falls in.</summary>
    public static DateTimeOffset HourOf(long epochMs) => DateTimeOffset.FromUnixTimeMilliseconds(epochMs - (((epochMs % HourMs) + HourMs) % HourMs));

    /// <summary>The value at quantile <paramref name="q"/> of sorted values (nearest rank), or null when there are none.</summary>
    public static double? Quantile(IReadOnlyList<double> sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return null;
        }

        var rank = (int)Math.Ceiling(q * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
