using static Ferry.Server.Dashboard.Charts.ChartFormat;

namespace Ferry.Server.Dashboard.Charts;

/// <summary>What a waterfall row is.</summary>
internal enum WaterfallRowKind
{
    /// <summary>The base value.</summary>
    Base,

    /// <summary>A feature's contribution.</summary>
    Step,

    /// <summary>The prediction.</summary>
    Output,
}

/// <summary>One waterfall row: a bar from <paramref name="Start"/> to <paramref name="End"/> (the running total after it).</summary>
/// <param name="Kind">Base, step or output.</param>
/// <param name="Label">Row label.</param>
/// <param name="ValueText">The feature's value, for steps.</param>
/// <param name="Start">Running total before.</param>
/// <param name="End">Running total after.</param>
/// <param name="Output">The model's output (output row only).</param>
internal sealed record WaterfallRow(WaterfallRowKind Kind, string Label, string? ValueText, double Start, double End, double Output = 0);

/// <summary>Running totals and each row's marks.</summary>
internal static class WaterfallRows
{
    private const double Gap = 4;

    /// <summary>Base row, one row per step with running totals, output row (bar from the base to base + Σ).</summary>
    public static List<WaterfallRow> For(double baseValue, IReadOnlyList<WaterfallChart.Feature> features, double output)
    {
        baseValue = Finite(baseValue);
        var rows = new List<WaterfallRow> { new(WaterfallRowKind.Base, WaterfallChart.BaseLabel, null, baseValue, baseValue) };
        var total = baseValue;
        foreach (var step in features)
        {
            var next = total + Finite(step.Contribution);
            rows.Add(new WaterfallRow(WaterfallRowKind.Step, step.Label ?? string.Empty, step.ValueText, total, next));
            total = next;
        }

        rows.Add(new WaterfallRow(WaterfallRowKind.Output, WaterfallChart.OutputLabel, null, baseValue, total, Finite(output)));
        return rows;
    }

    /// <summary>Label, bar (or marker), connector to the next row and value text of row <paramref name="index"/>.</summary>
    public static Html Draw(WaterfallRow row, int index, LinearScale scale, Func<double, string> format)
    {
        var top = WaterfallChart.BarTop(index);
        var size = WaterfallChart.BarSize;
        var middle = top + (size / 2);
        var label = row.ValueText is null ? row.Label : $"{row.Label} = {row.ValueText}";
        var shown = Truncate(label, (int)((WaterfallChart.LabelEdge - 4) / CharWidth));
        var start = scale.Map(row.Start);
        var end = scale.Map(row.End);
        var connector = row.Kind == WaterfallRowKind.Output
            ? Html.Empty
            : ChartSvg.Line(end, top + size, end, WaterfallChart.BarTop(index + 1), "chart-connector", ChartPalette.Axis);
        var labelText = ChartSvg.Text(WaterfallChart.LabelEdge, middle + 4, shown, "chart-row-label", "end", 12, shown == label ? null : label);
        var mark = row.Kind switch
        {
            WaterfallRowKind.Base => Html.Join(
            [
                ChartSvg.Rect(start - 1, top, 2, size, "chart-base", ChartPalette.Reference, $"{row.Label}: {format(row.End)}"),
                ChartSvg.Text(start + Gap, middle + 4, format(row.End), "chart-value-label", "start", 11),
            ]),
            WaterfallRowKind.Step => Html.Join(
            [
                ChartSvg.Rect(start, top, end - start, size, row.End >= row.Start ? "chart-bar chart-raises" : "chart-bar chart-lowers", row.End >= row.Start ? ChartPalette.Raises : ChartPalette.Lowers,
                    $"{label}: {(row.End >= row.Start ? "raises" : "lowers")} the prediction by {format(Math.Abs(row.End - row.Start))} ({format(row.Start)} \u2192 {format(row.End)})"),
                ChartSvg.Text(Math.Max(start, end) + Gap, middle + 4, Signed(row.End - row.Start, format), "chart-value-label", "start", 11),
            ]),
            _ => Html.Join(
            [
                ChartSvg.Rect(start, top, end - start, size, "chart-bar chart-total", ChartPalette.Threshold, $"{row.Label}: {format(row.End)} (base value {Signed(row.End - row.Start, format)})"),
                ChartSvg.Line(scale.Map(row.Output), top - 2, scale.Map(row.Output), top + size + 2, "chart-output", ChartPalette.Text, 2, tooltip: $"Model output {format(row.Output)}"),
                ChartSvg.Text(Math.Max(Math.Max(start, end), scale.Map(row.Output)) + Gap, middle + 4, format(row.Output), "chart-value-label", "start", 11),
            ]),
        };
        return Html.Join([labelText, mark, connector]);
    }

    private static double Finite(double value) => double.IsFinite(value) ? value : 0;
}
