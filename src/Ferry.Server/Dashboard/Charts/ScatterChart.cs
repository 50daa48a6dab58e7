using System.Globalization;

namespace Ferry.Server.Dashboard.Charts;

/// <summary>
/// One point per item (a compared run) of a numeric y against an x that is numeric when every x parses as a number
/// and categorical (its distinct values in order) otherwise, such as a metric against a param; with a data table.
/// </summary>
public static class ScatterChart
{
    private const string Kind = "scatter";

    /// <summary>One item.</summary>
    /// <param name="Label">What the point is (a run's name), for its tooltip and the table.</param>
    /// <param name="X">The x value as text (a param's value); null when the item has none.</param>
    /// <param name="Y">The y value; null or non-finite when the item has none.</param>
    public sealed record Item(string Label, string? X, double? Y);

    /// <summary>The chart as a <c>&lt;figure&gt;</c>, or one saying "No data yet" when no item has both values.</summary>
    public static Html Render(string id, string caption, string xLabel, string yLabel, IReadOnlyList<Item> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        id = ChartIds.Sanitize(id);
        var shown = items.Where(i => i.X is not null && i.Y is { } y && double.IsFinite(y)).ToList();
        if (shown.Count == 0)
        {
            return ChartFigure.NoData(id, Kind, caption);
        }

        var numeric = shown.All(i => double.TryParse(i.X, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v));
        var categories = numeric ? null : shown.Select(i => i.X!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var xs = shown.Select(i => numeric ? double.Parse(i.X!, NumberStyles.Float, CultureInfo.InvariantCulture) : categories!.IndexOf(i.X!)).ToList();
        var ys = shown.Select(i => i.Y!.Value).ToList();
        var axes = numeric
            ? XyAxes.For(xs.Min(), xs.Max(), ys.Min(), ys.Max())
            : XyAxes.For(0, 1, ys.Min(), ys.Max()) with { X = new LinearScale(-0.5, categories!.Count - 0.5, XyAxes.Left, XyAxes.Width - XyAxes.Right) };
        var points = shown.Select((item, k) => ChartSvg.Circle(axes.X.Map(xs[k]), axes.Y.Map(ys[k]), 5, $"chart-point chart-series-{k}", StepChart.Colours[k % StepChart.Colours.Count],
            $"{item.Label}: {xLabel} = {item.X}, {yLabel} = {StepChart.Number(ys[k])}"));
        var description = $"{shown.Count.ToString(CultureInfo.InvariantCulture)} of {items.Count.ToString(CultureInfo.InvariantCulture)} items have both values. "
            + string.Join(" ", shown.Select((item, k) => $"{item.Label}: {item.X}, {StepChart.Number(ys[k])}."));
        return ChartFigure.Render(new ChartFrame(id, Kind, caption, description, XyAxes.Width, XyAxes.Height, Html.Join([axes.Render(xLabel, yLabel, categories), Html.Join(points)]))
        {
            Legend = [.. shown.Select((item, k) => new LegendEntry(item.Label, StepChart.Colours[k % StepChart.Colours.Count], LegendMark.Box, $"chart-series-{k}"))],
            Table = ChartTable.Render(caption, ["Run", xLabel, yLabel], items.Select(i => (IReadOnlyList<string>)[i.Label, i.X ?? "–", i.Y is { } y && double.IsFinite(y) ? StepChart.Number(y) : "–"]).ToList()),
        });
    }
}
