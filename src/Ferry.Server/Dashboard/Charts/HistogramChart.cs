using Ferry.Core.Monitoring;
using static Ferry.Server.Dashboard.Charts.ChartFormat;

namespace Ferry.Server.Dashboard.Charts;

/// <summary>A column's distribution as grouped bars: reference (training data) in grey beside the current window in blue.</summary>
public static class HistogramChart
{
    private const string Kind = "histogram";
    private const double Width = 600;
    private const double Left = 48;
    private const double Right = 12;
    private const double Top = 30;
    private const double Bottom = 230;
    private const int MaxLabels = 24;

    /// <summary>The chart as a <c>&lt;figure&gt;</c>; shares are 0–1 per bin, missing or non-finite shares count as 0.</summary>
    /// <param name="id">Id unique in the page; element ids derive from it.</param>
    /// <param name="histogram">Bins with reference and current shares.</param>
    /// <param name="caption">Visible caption, also the SVG title.</param>
    public static Html Render(string id, ColumnHistogram histogram, string caption)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        id = ChartIds.Sanitize(id);
        var bins = histogram.Bins ?? [];
        if (bins.Count == 0)
        {
            return ChartFigure.NoData(id, Kind, caption);
        }

        var reference = Shares(histogram.Reference, bins.Count);
        var current = Shares(histogram.Current, bins.Count);
        var ticks = ChartTicks.Covering(0, Math.Max(0.001, reference.Concat(current).Max()));
        var y = new LinearScale(0, ticks[^1], Bottom, Top);
        var group = (Width - Left - Right) / bins.Count;
        var bar = Math.Min(group * 0.4, 36);
        var rotate = bins.Count > 6;
        var every = (int)Math.Ceiling(bins.Count / (double)MaxLabels);

        var marks = Enumerable.Range(0, bins.Count).Select(i =>
        {
            var centre = Left + (group * (i + 0.5));
            var label = bins[i] ?? string.Empty;
            return Html.Join(
            [
                ChartSvg.Rect(centre - bar - 1, y.Map(reference[i]), bar, Bottom - y.Map(reference[i]), "chart-bar chart-reference", ChartPalette.Reference, $"{label}: reference {Percent(reference[i])}"),
                ChartSvg.Rect(centre + 1, y.Map(current[i]), bar, Bottom - y.Map(current[i]), "chart-bar chart-current", ChartPalette.Primary, $"{label}: current {Percent(current[i])} ({Points(current[i] - reference[i])})"),
                i % every == 0 ? BinLabel(label, centre, group, rotate) : Html.Empty,
            ]);
        });
        var body = Html.Join(
        [
            Html.Join(ticks.Select(t => Html.Join(
            [
                ChartSvg.Line(Left, y.Map(t), Width - Right, y.Map(t), "chart-grid", ChartPalette.Grid),
                ChartSvg.Text(Left - 6, y.Map(t) + 4, Value(t, "0.#%"), "chart-tick-label", "end", 11),
            ]))),
            ChartSvg.Text(4, 16, "share of rows", "chart-axis-label"),
            Html.Join(marks),
            ChartSvg.Line(Left, Bottom, Width - Right, Bottom, "chart-axis", ChartPalette.Axis),
        ]);
        return ChartFigure.Render(new ChartFrame(id, Kind, caption, Describe(histogram, reference, current), Width, Bottom + (rotate ? 96 : 40), body)
        {
            Legend =
            [
                new LegendEntry("Reference (training data)", ChartPalette.Reference, LegendMark.Box, "chart-reference"),
                new LegendEntry("Current window", ChartPalette.Primary, LegendMark.Box, "chart-current"),
            ],
            Table = ChartTable.Render(
                caption,
                ["Bin", "Reference", "Current", "Difference"],
                bins.Select((b, i) => (IReadOnlyList<string>)[b ?? string.Empty, Percent(reference[i]), Percent(current[i]), Points(current[i] - reference[i])]).ToList()),
        });
    }

    private static double[] Shares(IReadOnlyList<double>? shares, int count) =>
        Enumerable.Range(0, count)
            .Select(i => shares is not null && i < shares.Count && double.IsFinite(shares[i]) ? Math.Max(0, shares[i]) : 0)
            .ToArray();

    private static string Points(double difference) => Signed(difference * 100, v => Value(v, "0.0")) + " pp";

    private static Html BinLabel(string label, double centre, double group, bool rotate)
    {
        if (!rotate)
        {
            var shown = Truncate(label, Math.Max(3, (int)(group / 6.1)));
            return ChartSvg.Text(centre, Bottom + 18, shown, "chart-tick-label", "middle", 11, shown == label ? null : label);
        }

        var text = Truncate(label, 14);
        var transform = Html.Of($" transform=\"rotate(-40 {Coord(centre)} {Coord(Bottom + 14)})\"");
        return ChartSvg.Text(centre, Bottom + 14, text, "chart-tick-label", "end", 11, text == label ? null : label, transform);
    }

    private static string Describe(ColumnHistogram histogram, double[] reference, double[] current)
    {
        var text = $"Share of rows per bin of {histogram.Column} ({histogram.Kind}), reference (training data) against the current window, {reference.Length} bins.";
        var largest = Enumerable.Range(0, reference.Length).MaxBy(i => Math.Abs(current[i] - reference[i]));
        return $"{text} Largest change: {histogram.Bins[largest]}, from {Percent(reference[largest])} to {Percent(current[largest])} ({Points(current[largest] - reference[largest])}).";
    }
}
