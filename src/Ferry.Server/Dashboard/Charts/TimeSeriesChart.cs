using static Ferry.Server.Dashboard.Charts.TimeSeriesLayout;

namespace Ferry.Server.Dashboard.Charts;

/// <summary>Line chart of values over UTC time: gaps break the line, optional bands and a threshold, markers with tooltips.</summary>
public static partial class TimeSeriesChart
{
    private const string Kind = "timeseries";

    /// <summary>The chart as a <c>&lt;figure&gt;</c>, or a figure saying "No data yet" when no point has a value.</summary>
    public static Html Render(Spec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var id = ChartIds.Sanitize(spec.Id);
        var series = Clean(spec.Series);
        if (!series.Any(s => s.Points.Any(p => p.Value is not null)))
        {
            return ChartFigure.NoData(id, Kind, spec.Caption);
        }

        var layout = TimeSeriesLayout.For(spec, series);
        var styles = Styles(series);
        var body = Html.Join(
        [
            YAxis(spec, layout),
            XAxis(layout),
            Html.Of($"""<defs><clipPath id="{id}-plot"><rect x="{ChartFormat.Coord(layout.Left - 5)}" y="{ChartFormat.Coord(Top - 5)}" width="{ChartFormat.Coord(Width - Right - layout.Left + 10)}" height="{ChartFormat.Coord(Bottom - Top + 10)}"/></clipPath></defs>"""),
            Html.Of($"""<g clip-path="url(#{id}-plot)">{Html.Join(series.Select((s, i) => TimeSeriesMarks.Band(s, styles[i], layout)))}{ThresholdLine(spec, layout)}{Html.Join(series.Select((s, i) => TimeSeriesMarks.Lines(s, styles[i], layout)))}{Html.Join(series.Select((s, i) => TimeSeriesMarks.Markers(s, styles[i], layout, spec.YFormat)))}</g>"""),
        ]);
        var legend = series.Count > 1 || series.Any(HasBand) ? Legend(series, styles) : [];
        return ChartFigure.Render(new ChartFrame(id, Kind, spec.Caption, TimeSeriesText.Description(spec, series), Width, Height, body)
        {
            Legend = legend,
            Table = TimeSeriesText.Table(spec, series),
        });
    }

    /// <summary>The layout the chart is drawn with (scales from data to pixels).</summary>
    internal static TimeSeriesLayout LayoutOf(Spec spec) => TimeSeriesLayout.For(spec, Clean(spec.Series));

    /// <summary>Series with UTC times in order, and non-finite numbers as gaps.</summary>
    internal static List<Series> Clean(IReadOnlyList<Series>? series) =>
        (series ?? []).Select(s => s with
        {
            Points = (s.Points ?? []).OrderBy(p => p.At)
                .Select(p => new Point(p.At.ToUniversalTime(), Finite(p.Value), Finite(p.Lower), Finite(p.Upper)))
                .ToList(),
        }).ToList();

    internal static bool HasBand(Series series) => series.Points.Any(p => p.Lower is not null && p.Upper is not null);

    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;

    private static List<(string Colour, string CssClass)> Styles(IReadOnlyList<Series> series)
    {
        var next = 0;
        return series.Select(s =>
        {
            if (s.IsReference)
            {
                return (ChartPalette.Reference, "chart-reference");
            }

            var index = next++ % ChartPalette.Series.Count;
            return (ChartPalette.Series[index], $"chart-series-{index + 1}");
        }).ToList();
    }

    private static List<LegendEntry> Legend(List<Series> series, List<(string Colour, string CssClass)> styles)
    {
        var entries = new List<LegendEntry>();
        for (var i = 0; i < series.Count; i++)
        {
            entries.Add(new LegendEntry(series[i].Name, styles[i].Colour, LegendMark.Line, styles[i].CssClass));
            if (HasBand(series[i]))
            {
                entries.Add(new LegendEntry($"{series[i].Name}: {series[i].BandLabel ?? "range"}", styles[i].Colour, LegendMark.Band, styles[i].CssClass));
            }
        }

        return entries;
    }

    private static Html YAxis(Spec spec, TimeSeriesLayout layout) =>
        Html.Join(
        [
            Html.Join(layout.YTicks.Select(t =>
            {
                var y = layout.Y.Map(t);
                return Html.Join(
                [
                    ChartSvg.Line(layout.Left, y, Width - Right, y, "chart-grid", ChartPalette.Grid),
                    ChartSvg.Text(layout.Left - 6, y + 4, ChartFormat.Value(t, spec.YFormat), "chart-tick-label", "end", 11),
                ]);
            })),
            ChartSvg.Text(4, 16, spec.YLabel, "chart-axis-label"),
        ]);

    private static Html XAxis(TimeSeriesLayout layout)
    {
        var end = layout.Start + TimeSpan.FromSeconds(layout.X.DomainEnd);
        var (ticks, step) = TimeTicks.Between(layout.Start, end);
        var labels = TimeTicks.Labels(ticks, step);
        return Html.Join(
        [
            ChartSvg.Line(layout.Left, Bottom, Width - Right, Bottom, "chart-axis", ChartPalette.Axis),
            Html.Join(ticks.Select((tick, i) =>
            {
                var x = layout.MapTime(tick);
                var date = labels[i].Date is { } d ? ChartSvg.Text(x, Bottom + 32, d, "chart-tick-label chart-date", "middle", 11) : Html.Empty;
                return Html.Join(
                [
                    ChartSvg.Line(x, Bottom, x, Bottom + 5, "chart-axis", ChartPalette.Axis),
                    ChartSvg.Text(x, Bottom + 18, labels[i].Main, "chart-tick-label", "middle", 11),
                    date,
                ]);
            })),
        ]);
    }

    private static Html ThresholdLine(Spec spec, TimeSeriesLayout layout)
    {
        if (spec.Threshold is not { } threshold || !double.IsFinite(threshold.Value))
        {
            return Html.Empty;
        }

        var y = layout.Y.Map(threshold.Value);
        return Html.Join(
        [
            ChartSvg.Line(layout.Left, y, Width - Right, y, "chart-threshold", ChartPalette.Threshold, 1.5, "6 4", threshold.Label),
            ChartSvg.Text(Width - Right - 4, y - 5, threshold.Label, "chart-threshold-label", "end", 11, extra: ChartSvg.Halo),
        ]);
    }
}
