namespace Ferry.Server.Dashboard.Charts;

/// <summary>A time series' marks: band polygons, line runs between gaps, and markers with tooltips.</summary>
internal static class TimeSeriesMarks
{
    /// <summary>The translucent band, one polygon per run of points that have both bounds.</summary>
    public static Html Band(TimeSeriesChart.Series series, (string Colour, string CssClass) style, TimeSeriesLayout layout) =>
        Html.Join(Runs(series.Points, p => p.Lower is not null && p.Upper is not null)
            .Where(run => run.Count > 1)
            .Select(run => ChartSvg.Polygon(
                run.Select(p => (layout.MapTime(p.At), layout.Y.Map(p.Upper!.Value)))
                    .Concat(run.AsEnumerable().Reverse().Select(p => (layout.MapTime(p.At), layout.Y.Map(p.Lower!.Value)))),
                $"chart-band {style.CssClass}",
                style.Colour,
                $"{series.Name}: {series.BandLabel ?? "range"}")));

    /// <summary>One polyline per run of consecutive values; a gap (null) starts a new one.</summary>
    public static Html Lines(TimeSeriesChart.Series series, (string Colour, string CssClass) style, TimeSeriesLayout layout) =>
        Html.Join(Runs(series.Points, p => p.Value is not null)
            .Where(run => run.Count > 1)
            .Select(run => ChartSvg.Polyline(
                run.Select(p => (layout.MapTime(p.At), layout.Y.Map(p.Value!.Value))),
                $"chart-line {style.CssClass}",
                series.IsReference ? ChartPalette.Reference : style.Colour,
                dash: series.IsReference ? "4 3" : null)));

    /// <summary>A small circle on every value, its tooltip e.g. <c>2025-03-14 14:00 UTC – drift score 0.231</c>.</summary>
    public static Html Markers(TimeSeriesChart.Series series, (string Colour, string CssClass) style, TimeSeriesLayout layout, string format) =>
        Html.Join(series.Points.Where(p => p.Value is not null).Select(p => ChartSvg.Circle(
            layout.MapTime(p.At),
            layout.Y.Map(p.Value!.Value),
            3,
            $"chart-marker {style.CssClass}",
            style.Colour,
            $"{ChartFormat.Time(p.At)} UTC \u2013 {series.Name} {ChartFormat.Value(p.Value.Value, format)}")));

    private static List<List<TimeSeriesChart.Point>> Runs(IReadOnlyList<TimeSeriesChart.Point> points, Func<TimeSeriesChart.Point, bool> present)
    {
        var runs = new List<List<TimeSeriesChart.Point>>();
        List<TimeSeriesChart.Point>? current = null;
        foreach (var point in points)
        {
            if (present(point))
            {
                current ??= [];
                current.Add(point);
            }
            else if (current is not null)
            {
                runs.Add(current);
                current = null;
            }
        }

        if (current is not null)
        {
            runs.Add(current);
        }

        return runs;
    }
}
