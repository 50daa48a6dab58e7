namespace Ferry.Server.Dashboard.Charts;

/// <summary>Where a time-series chart draws: plot box, axis ticks and the scales from data to pixels.</summary>
/// <param name="X">Seconds since <paramref name="Start"/> to pixels.</param>
/// <param name="Y">Y values to pixels.</param>
/// <param name="Start">Time at the left edge.</param>
/// <param name="YTicks">Y tick values.</param>
/// <param name="Left">Left edge of the plot (room for y tick labels).</param>
internal sealed record TimeSeriesLayout(LinearScale X, LinearScale Y, DateTimeOffset Start, IReadOnlyList<double> YTicks, double Left)
{
    public const double Width = 600;
    public const double Height = 300;
    public const double Top = 30;
    public const double Right = 16;
    public const double Bottom = 256;

    /// <summary>The pixel for a time.</summary>
    public double MapTime(DateTimeOffset at) => X.Map((at - Start).TotalSeconds);

    /// <summary>The layout for clean series (UTC, sorted, gaps as null).</summary>
    public static TimeSeriesLayout For(TimeSeriesChart.Spec spec, IReadOnlyList<TimeSeriesChart.Series> series)
    {
        var times = series.SelectMany(s => s.Points).Select(p => p.At).ToList();
        var start = times.Min();
        var end = times.Max();
        if (start == end)
        {
            start -= TimeSpan.FromMinutes(30);
            end += TimeSpan.FromMinutes(30);
        }

        var (low, high, ticks) = YAxis(spec, series);
        var widest = ticks.Max(t => ChartFormat.Value(t, spec.YFormat).Length);
        var left = Math.Clamp((widest * ChartFormat.CharWidth) + 12, 40, 120);
        var x = new LinearScale(0, (end - start).TotalSeconds, left, Width - Right);
        var y = new LinearScale(low, high, Bottom, Top);
        return new TimeSeriesLayout(x, y, start, ticks, left);
    }

    private static (double Low, double High, IReadOnlyList<double> Ticks) YAxis(TimeSeriesChart.Spec spec, IReadOnlyList<TimeSeriesChart.Series> series)
    {
        var values = series.SelectMany(s => s.Points)
            .SelectMany(p => new[] { p.Value, p.Lower, p.Upper })
            .OfType<double>()
            .Where(double.IsFinite)
            .ToList();
        if (spec.Threshold is { Value: var threshold } && double.IsFinite(threshold))
        {
            values.Add(threshold);
        }

        var min = values.Count == 0 ? 0 : values.Min();
        var max = values.Count == 0 ? 1 : values.Max();
        if (min == 0 && max == 0)
        {
            max = 1;
        }
        else if (min >= 0 && min <= max * 0.5)
        {
            min = 0;
        }
        else if (max <= 0 && max >= min * 0.5)
        {
            max = 0;
        }
        else if (min == max)
        {
            (min, max) = (Math.Min(0, min), Math.Max(0, max));
        }

        var covering = ChartTicks.Covering(min, max);
        var low = spec.YMin is { } fixedMin && double.IsFinite(fixedMin) ? fixedMin : covering[0];
        var high = spec.YMax is { } fixedMax && double.IsFinite(fixedMax) ? fixedMax : covering[^1];
        return high <= low
            ? (covering[0], covering[^1], covering)
            : (low, high, ChartTicks.Within(low, high));
    }
}
