using System.Globalization;

namespace Ferry.Server.Dashboard.Charts;

/// <summary>Time-axis ticks at round UTC times (minutes, hours, days), labelled <c>HH:mm</c> with the date where the day changes.</summary>
internal static class TimeTicks
{
    private const int MaxTicks = 7;

    private static readonly TimeSpan[] Steps =
    [
        TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10),
        TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(2),
        TimeSpan.FromHours(3), TimeSpan.FromHours(6), TimeSpan.FromHours(12), TimeSpan.FromDays(1),
        TimeSpan.FromDays(2), TimeSpan.FromDays(7), TimeSpan.FromDays(14), TimeSpan.FromDays(28),
        TimeSpan.FromDays(56), TimeSpan.FromDays(91), TimeSpan.FromDays(182), TimeSpan.FromDays(364),
    ];

    /// <summary>Round times in [<paramref name="from"/>, <paramref name="to"/>], at most seven, and the step between them; the two ends when no round minute falls inside.</summary>
    public static (IReadOnlyList<DateTimeOffset> Ticks, TimeSpan Step) Between(DateTimeOffset from, DateTimeOffset to)
    {
        foreach (var step in Steps)
        {
            var first = (from.UtcTicks + step.Ticks - 1) / step.Ticks;
            var last = to.UtcTicks / step.Ticks;
            if (last < first)
            {
                break;
            }

            if (last - first + 1 <= MaxTicks)
            {
                var ticks = new List<DateTimeOffset>();
                for (var i = first; i <= last; i++)
                {
                    ticks.Add(new DateTimeOffset(i * step.Ticks, TimeSpan.Zero));
                }

                return (ticks, step);
            }
        }

        return ([from, to], to - from);
    }

    /// <summary>Each tick's label: the time (or the date, for steps of a day or more), and the date under it where the day changes.</summary>
    public static IReadOnlyList<(string Main, string? Date)> Labels(IReadOnlyList<DateTimeOffset> ticks, TimeSpan step)
    {
        var labels = new List<(string, string?)>();
        DateTime? previousDay = null;
        foreach (var tick in ticks)
        {
            var utc = tick.UtcDateTime;
            var date = utc.ToString("d MMM", CultureInfo.InvariantCulture);
            if (step >= TimeSpan.FromDays(1))
            {
                labels.Add((date, null));
            }
            else
            {
                labels.Add((utc.ToString("HH:mm", CultureInfo.InvariantCulture), previousDay == utc.Date ? null : date));
            }

            previousDay = utc.Date;
        }

        return labels;
    }
}
