using Ferry.Core.Governance;
using static Ferry.Server.Dashboard.Charts.ChartFormat;

namespace Ferry.Server.Dashboard.Charts;

/// <summary>ROC curves of one or more model versions on the same rows, with the diagonal of a model that guesses.</summary>
internal static class RocChart
{
    private const string Kind = "roc";
    private const double Width = 600;
    private const double Left = 180;
    private const double Top = 30;
    private const double Size = 300;
    private const int MaxDrawnPoints = 400;
    private const int MaxTablePoints = 11;

    /// <summary>The chart as a <c>&lt;figure&gt;</c>; curves without points or with non-finite values are left out.</summary>
    /// <param name="id">Id unique in the page; element ids derive from it.</param>
    /// <param name="curves">Each version's curve with its label (e.g. <c>candidate v2</c>), in legend order.</param>
    /// <param name="caption">Visible caption.</param>
    public static Html Render(string id, IReadOnlyList<(string Label, RocCurve Curve)> curves, string caption)
    {
        ArgumentNullException.ThrowIfNull(curves);
        id = ChartIds.Sanitize(id);
        var usable = curves
            .Select(c => (c.Label, Points: Points(c.Curve)))
            .Where(c => c.Points.Count >= 2)
            .ToList();
        if (usable.Count == 0)
        {
            return ChartFigure.NoData(id, Kind, caption);
        }

        var x = new LinearScale(0, 1, Left, Left + Size);
        var y = new LinearScale(0, 1, Top + Size, Top);
        var ticks = ChartTicks.Within(0, 1);
        var marks = new List<Html>();
        var legend = new List<LegendEntry> { new("Chance (AUC 0.5)", ChartPalette.Reference, LegendMark.Dashed, "chart-diagonal") };
        for (var i = 0; i < usable.Count; i++)
        {
            var (label, points) = usable[i];
            var colour = ChartPalette.Series[i % ChartPalette.Series.Count];
            var css = $"chart-series-{i}";
            marks.Add(ChartSvg.Polyline(Thin(points, MaxDrawnPoints).Select(p => (x.Map(p.Fpr), y.Map(p.Tpr))), $"chart-line {css}", colour, 2, i == 0 ? null : "6 3"));
            legend.Add(new LegendEntry($"{label} (AUC {Value(Auc(points), "0.000")})", colour, i == 0 ? LegendMark.Line : LegendMark.Dashed, css));
        }

        var body = Html.Join(
        [
            Html.Join(ticks.Select(t => Html.Join(
            [
                ChartSvg.Line(x.Map(0), y.Map(t), x.Map(1), y.Map(t), "chart-grid", ChartPalette.Grid),
                ChartSvg.Line(x.Map(t), y.Map(0), x.Map(t), y.Map(1), "chart-grid", ChartPalette.Grid),
                ChartSvg.Text(x.Map(0) - 6, y.Map(t) + 4, Value(t, "0.#"), "chart-tick-label", "end", 11),
                ChartSvg.Text(x.Map(t), y.Map(0) + 18, Value(t, "0.#"), "chart-tick-label", "middle", 11),
            ]))),
            ChartSvg.Line(x.Map(0), y.Map(0), x.Map(1), y.Map(0), "chart-axis", ChartPalette.Axis),
            ChartSvg.Line(x.Map(0), y.Map(0), x.Map(0), y.Map(1), "chart-axis", ChartPalette.Axis),
            ChartSvg.Text(Left - 40, 16, "true positive rate", "chart-axis-label"),
            ChartSvg.Text(x.Map(0.5), y.Map(0) + 36, "false positive rate", "chart-axis-label", "middle"),
            ChartSvg.Line(x.Map(0), y.Map(0), x.Map(1), y.Map(1), "chart-diagonal", ChartPalette.Reference, 1.5, "6 4", "a model that guesses"),
            Html.Join(marks),
        ]);
        var description = string.Join(" ", usable.Select(c => $"{c.Label}: area under the curve {Value(Auc(c.Points), "0.000")}, {c.Points.Count} points."));
        var rows = usable.SelectMany(c => Thin(c.Points, MaxTablePoints).Select(p => (IReadOnlyList<string>)[c.Label, Value(p.Fpr, "0.###"), Value(p.Tpr, "0.###")])).ToList();
        return ChartFigure.Render(new ChartFrame(id, Kind, caption, description, Width, Top + Size + 44, body)
        {
            Legend = legend,
            Table = ChartTable.Render(caption + " (points along each curve)", ["Version", "False positive rate", "True positive rate"], rows),
        });
    }

    /// <summary>The area under a curve by the trapezoid rule, over its points ordered by false positive rate.</summary>
    internal static double Auc(IReadOnlyList<(double Fpr, double Tpr)> points)
    {
        var area = 0.0;
        for (var i = 1; i < points.Count; i++)
        {
            area += (points[i].Fpr - points[i - 1].Fpr) * (points[i].Tpr + points[i - 1].Tpr) / 2;
        }

        return area;
    }

    /// <summary>The curve's finite points clamped to [0, 1], ordered by false then true positive rate (the curve's own order).</summary>
    private static List<(double Fpr, double Tpr)> Points(RocCurve? curve)
    {
        if (curve is null)
        {
            return [];
        }

        var count = Math.Min(curve.FalsePositiveRates.Count, curve.TruePositiveRates.Count);
        return Enumerable.Range(0, count)
            .Select(i => (Fpr: curve.FalsePositiveRates[i], Tpr: curve.TruePositiveRates[i]))
            .Where(p => double.IsFinite(p.Fpr) && double.IsFinite(p.Tpr))
            .Select(p => (Math.Clamp(p.Fpr, 0, 1), Math.Clamp(p.Tpr, 0, 1)))
            .OrderBy(p => p.Item1).ThenBy(p => p.Item2)
            .ToList();
    }

    /// <summary>At most <paramref name="max"/> points, evenly spaced along the list, always keeping the first and last.</summary>
    private static IEnumerable<(double Fpr, double Tpr)> Thin(List<(double Fpr, double Tpr)> points, int max)
    {
        if (points.Count <= max)
        {
            return points;
        }

        return Enumerable.Range(0, max).Select(i => points[(int)Math.Round(i * (points.Count - 1) / (double)(max - 1))]);
    }
}
