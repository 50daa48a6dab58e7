using static Ferry.Server.Dashboard.Charts.ChartFormat;

namespace Ferry.Server.Dashboard.Charts;

/// <summary>A horizontal waterfall of an explanation: from the base value, each feature's contribution in turn, to the prediction.</summary>
public static partial class WaterfallChart
{
    internal const string BaseLabel = "Average (base value)";
    internal const string OutputLabel = "Prediction (output)";
    internal const double Tolerance = 1e-6;
    private const string Kind = "waterfall";
    private const double Width = 600;
    private const double PlotLeft = 218;
    private const double PlotRight = 528;
    private const double Top = 8;
    private const double RowHeight = 26;
    private const double BarHeight = 16;

    /// <summary>The chart as a <c>&lt;figure&gt;</c>: a base row, one row per feature in the given order, and the output row.</summary>
    /// <param name="id">Id unique in the page; element ids derive from it.</param>
    /// <param name="baseValue">The model's average output (the explainer's expected value).</param>
    /// <param name="features">Contributions, drawn top to bottom in this order; non-finite ones count as 0.</param>
    /// <param name="output">The model's output; a note is shown when it is not base value plus the contributions.</param>
    /// <param name="valueLabel">What the values are, for the x axis, e.g. <c>probability of default</c>.</param>
    /// <param name="format">Formats values; <c>0.###</c> in the invariant culture when null.</param>
    /// <param name="caption">Visible caption; by default from the base value to the prediction.</param>
    public static Html Render(string id, double baseValue, IReadOnlyList<Feature> features, double output, string valueLabel, Func<double, string>? format = null, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        id = ChartIds.Sanitize(id);
        format ??= v => Value(v, "0.###");
        var rows = WaterfallRows.For(baseValue, features, output);
        var scale = Scale(baseValue, features, output);
        var ticks = ChartTicks.Within(scale.DomainStart, scale.DomainEnd);
        var bottom = Top + (rows.Count * RowHeight);
        var body = Html.Join(
        [
            Html.Join(ticks.Select(t => Html.Join(
            [
                ChartSvg.Line(scale.Map(t), Top, scale.Map(t), bottom, "chart-grid", ChartPalette.Grid),
                ChartSvg.Text(scale.Map(t), bottom + 18, format(t), "chart-tick-label", "middle", 11),
            ]))),
            ChartSvg.Line(PlotLeft, bottom, PlotRight, bottom, "chart-axis", ChartPalette.Axis),
            ChartSvg.Text((PlotLeft + PlotRight) / 2, bottom + 36, valueLabel, "chart-axis-label", "middle"),
            ChartSvg.Line(scale.Map(rows[0].End), Top, scale.Map(rows[0].End), bottom, "chart-baseline", ChartPalette.Reference, 1, "2 3"),
            Html.Join(rows.Select((row, i) => WaterfallRows.Draw(row, i, scale, format))),
        ]);
        var sum = rows[^1].End;
        var note = Math.Abs(output - sum) > Tolerance
            ? $"The model's output ({format(output)}) differs from the base value plus the contributions ({format(sum)}) by {format(Math.Abs(output - sum))}: the explanation does not add up exactly."
            : null;
        var description = $"How each feature moves the prediction ({valueLabel}) from the base value {format(rows[0].End)} to {format(sum)}, in {features.Count} steps; "
            + $"{features.Count(s => s.Contribution > 0)} raise it and {features.Count(s => s.Contribution < 0)} lower it.";
        return ChartFigure.Render(new ChartFrame(id, Kind, caption ?? $"From the average {format(rows[0].End)} to the prediction {format(output)} ({valueLabel})", description, Width, bottom + 44, body)
        {
            Legend =
            [
                new LegendEntry("Raises the prediction", ChartPalette.Raises, LegendMark.Box, "chart-raises"),
                new LegendEntry("Lowers the prediction", ChartPalette.Lowers, LegendMark.Box, "chart-lowers"),
            ],
            Note = note,
            Table = ChartTable.Render(
                $"Contributions to the prediction ({valueLabel})",
                ["Feature", "Value", "Contribution", "Running total"],
                rows.Select(r => (IReadOnlyList<string>)[r.Label, r.Kind == WaterfallRowKind.Output ? format(r.Output) : r.ValueText ?? string.Empty, r.Kind == WaterfallRowKind.Base ? string.Empty : Signed(r.End - r.Start, format), format(r.End)]).ToList()),
        });
    }

    /// <summary>The x scale: values to pixels, over every running total, the base value and the output, widened to round ticks.</summary>
    internal static LinearScale Scale(double baseValue, IReadOnlyList<Feature> features, double output)
    {
        var rows = WaterfallRows.For(baseValue, features, output);
        var values = rows.SelectMany(r => new[] { r.Start, r.End }).Append(rows[^1].Output).ToList();
        var ticks = ChartTicks.Covering(values.Min(), values.Max());
        return new LinearScale(ticks[0], ticks[^1], PlotLeft, PlotRight);
    }

    /// <summary>Top of row <paramref name="index"/>'s bar.</summary>
    internal static double BarTop(int index) => Top + (index * RowHeight) + ((RowHeight - BarHeight) / 2);

    /// <summary>Bar height.</summary>
    internal static double BarSize => BarHeight;

    /// <summary>Left edge of the bars; row labels end here.</summary>
    internal static double LabelEdge => PlotLeft - 8;
}
