using System.Globalization;
using static Ferry.Server.Dashboard.Charts.ChartFormat;

namespace Ferry.Server.Dashboard.Charts;

/// <summary>
/// Lines of values against a numeric x, such as a metric's history by training step: one line per series (runs
/// overlaid), points with tooltips, a legend when there is more than one series, and the numbers as a data table.
/// </summary>
public static class StepChart
{
    private const string Kind = "steps";
    private const int MaxMarkers = 200;

    /// <summary>Colours for up to ten series (Okabe–Ito first), each at least 3:1 against white.</summary>
    internal static readonly IReadOnlyList<string> Colours =
        ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8C510A", "#56189A", "#000000", "#B8420F", "#1B6B2F", "#6B6B6B"];

    /// <summary>One series.</summary>
    /// <param name="Name">Its name, for the legend, tooltips and the table.</param>
    /// <param name="Points">Its points, in any order; non-finite values are left out.</param>
    public sealed record Series(string Name, IReadOnlyList<XyPoint> Points);

    /// <summary>The chart as a <c>&lt;figure&gt;</c>, or one saying "No data yet" when no series has a finite point.</summary>
    /// <param name="id">Id unique in the page; element ids derive from it.</param>
    /// <param name="caption">Visible caption, also the SVG title.</param>
    /// <param name="xLabel">X axis label, e.g. <c>step</c>.</param>
    /// <param name="yLabel">Y axis label, e.g. the metric's key.</param>
    /// <param name="series">The series, drawn in order.</param>
    public static Html Render(string id, string caption, string xLabel, string yLabel, IReadOnlyList<Series> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        id = ChartIds.Sanitize(id);
        var clean = series.Select(s => s with { Points = [.. s.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).OrderBy(p => p.X)] }).ToList();
        var all = clean.SelectMany(s => s.Points).ToList();
        if (all.Count == 0)
        {
            return ChartFigure.NoData(id, Kind, caption);
        }

        var axes = XyAxes.For(all.Min(p => p.X), all.Max(p => p.X), all.Min(p => p.Y), all.Max(p => p.Y));
        var marks = new List<Html> { axes.Render(xLabel, yLabel, null) };
        for (var i = 0; i < clean.Count; i++)
        {
            var s = clean[i];
            var colour = Colours[i % Colours.Count];
            var css = $"chart-line chart-series-{i}";
            if (s.Points.Count > 1)
            {
                marks.Add(ChartSvg.Polyline(s.Points.Select(p => (axes.X.Map(p.X), axes.Y.Map(p.Y))), css, colour));
            }

            if (s.Points.Count <= MaxMarkers)
            {
                marks.Add(Html.Join(s.Points.Select(p => ChartSvg.Circle(axes.X.Map(p.X), axes.Y.Map(p.Y), 3, $"chart-point chart-series-{i}", colour,
                    $"{s.Name}: {xLabel} {Number(p.X)} \u2192 {Number(p.Y)}"))));
            }
        }

        var xs = all.Select(p => p.X).Distinct().Order().ToList();
        var lookups = clean.Select(s => s.Points.GroupBy(p => p.X).ToDictionary(g => g.Key, g => g.Last().Y)).ToList();
        var rows = xs.Select(x => (IReadOnlyList<string>)[Number(x), .. lookups.Select(l => l.TryGetValue(x, out var v) ? Number(v) : "–")]).ToList();
        IReadOnlyList<string> headers = clean.Count == 1 ? [xLabel, yLabel] : [xLabel, .. clean.Select(s => s.Name)];
        return ChartFigure.Render(new ChartFrame(id, Kind, caption, Describe(clean, xLabel), XyAxes.Width, XyAxes.Height, Html.Join(marks))
        {
            Legend = clean.Count > 1 ? [.. clean.Select((s, i) => new LegendEntry(s.Name, Colours[i % Colours.Count], LegendMark.Line, $"chart-series-{i}"))] : [],
            Table = ChartTable.Render(caption, headers, rows),
        });
    }

    /// <summary>A number as the charts write it: up to six significant decimals, invariant.</summary>
    internal static string Number(double value) => Value(value, Math.Abs(value) >= 1e6 || (value != 0 && Math.Abs(value) < 1e-4) ? "0.###e0" : "0.######");

    private static string Describe(List<Series> series, string xLabel) =>
        string.Join(" ", series.Where(s => s.Points.Count > 0).Select(s =>
            $"{s.Name}: {s.Points.Count.ToString(CultureInfo.InvariantCulture)} points, {xLabel} {Number(s.Points[0].X)} to {Number(s.Points[^1].X)}, last {Number(s.Points[^1].Y)}, min {Number(s.Points.Min(p => p.Y))}, max {Number(s.Points.Max(p => p.Y))}."));
}

/// <summary>A point of an x/y chart.</summary>
/// <param name="X">X value.</param>
/// <param name="Y">Y value.</param>
public readonly record struct XyPoint(double X, double Y);

/// <summary>The frame of an x/y chart: scales from data to pixels, grid, ticks and axis labels.</summary>
internal sealed record XyAxes(LinearScale X, LinearScale Y, IReadOnlyList<double> XTicks, IReadOnlyList<double> YTicks)
{
    public const double Width = 720;
    public const double Height = 320;
    public const double Left = 72;
    public const double Right = 20;
    public const double Top = 24;
    public const double Bottom = 268;

    /// <summary>Axes covering the data on round ticks.</summary>
    public static XyAxes For(double xMin, double xMax, double yMin, double yMax)
    {
        var xTicks = ChartTicks.Covering(xMin, xMax);
        var yTicks = ChartTicks.Covering(yMin, yMax);
        return new XyAxes(new LinearScale(xTicks[0], xTicks[^1], Left, Width - Right), new LinearScale(yTicks[0], yTicks[^1], Bottom, Top), xTicks, yTicks);
    }

    /// <summary>Grid, ticks and labels; <paramref name="xNames"/> replaces the x tick labels of a categorical axis.</summary>
    public Html Render(string xLabel, string yLabel, IReadOnlyList<string>? xNames)
    {
        var y = YTicks.Select(t => Html.Join(
        [
            ChartSvg.Line(Left, Y.Map(t), Width - Right, Y.Map(t), "chart-grid", ChartPalette.Grid),
            ChartSvg.Text(Left - 6, Y.Map(t) + 4, StepChart.Number(t), "chart-tick-label", "end", 11),
        ]));
        var x = xNames is null
            ? XTicks.Select(t => Html.Join(
            [
                ChartSvg.Line(X.Map(t), Top, X.Map(t), Bottom, "chart-grid", ChartPalette.Grid),
                ChartSvg.Text(X.Map(t), Bottom + 18, StepChart.Number(t), "chart-tick-label", "middle", 11),
            ]))
            : xNames.Select((name, i) => ChartSvg.Text(X.Map(i), Bottom + 18, Truncate(name, 14), "chart-tick-label", "middle", 11, name));
        return Html.Join(
        [
            Html.Join(y),
            Html.Join(x),
            ChartSvg.Line(Left, Bottom, Width - Right, Bottom, "chart-axis", ChartPalette.Axis),
            ChartSvg.Line(Left, Top, Left, Bottom, "chart-axis", ChartPalette.Axis),
            ChartSvg.Text(Left, Top - 8, Truncate(yLabel, 60), "chart-axis-label", tooltip: yLabel),
            ChartSvg.Text((Left + Width - Right) / 2, Bottom + 40, Truncate(xLabel, 60), "chart-axis-label", "middle", tooltip: xLabel),
        ]);
    }
}
