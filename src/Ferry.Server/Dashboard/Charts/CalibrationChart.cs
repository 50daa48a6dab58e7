using System.Globalization;
using Ferry.Statistics.Metrics;
using static Ferry.Server.Dashboard.Charts.ChartFormat;

namespace Ferry.Server.Dashboard.Charts;

/// <summary>A reliability diagram: observed fraction of positives against mean predicted probability, with the diagonal of perfect calibration.</summary>
public static class CalibrationChart
{
    private const string Kind = "calibration";
    private const double Width = 600;
    private const double Left = 180;
    private const double Top = 30;
    private const double Size = 300;
    private const double MinRadius = 3;
    private const double MaxRadius = 8;

    /// <summary>The chart as a <c>&lt;figure&gt;</c>; bins without rows or with non-finite values are left out.</summary>
    /// <param name="id">Id unique in the page; element ids derive from it.</param>
    /// <param name="bins">Calibration bins, in any order.</param>
    /// <param name="caption">Visible caption; a generic one when null.</param>
    public static Html Render(string id, IReadOnlyList<CalibrationBin> bins, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(bins);
        id = ChartIds.Sanitize(id);
        caption ??= "Calibration: predicted probability against observed frequency";
        var points = bins
            .Where(b => b is not null && b.Count > 0 && double.IsFinite(b.MeanPredicted) && double.IsFinite(b.FractionPositive))
            .Select(b => b with { MeanPredicted = Math.Clamp(b.MeanPredicted, 0, 1), FractionPositive = Math.Clamp(b.FractionPositive, 0, 1) })
            .OrderBy(b => b.MeanPredicted)
            .ToList();
        if (points.Count == 0)
        {
            return ChartFigure.NoData(id, Kind, caption);
        }

        var x = XScale;
        var y = YScale;
        var most = points.Max(b => b.Count);
        var ticks = ChartTicks.Within(0, 1);
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
            ChartSvg.Text(Left - 40, 16, "fraction of positives", "chart-axis-label"),
            ChartSvg.Text(x.Map(0.5), y.Map(0) + 36, "mean predicted probability", "chart-axis-label", "middle"),
            ChartSvg.Line(x.Map(0), y.Map(0), x.Map(1), y.Map(1), "chart-diagonal", ChartPalette.Reference, 1.5, "6 4", "perfectly calibrated"),
            ChartSvg.Polyline(points.Select(b => (x.Map(b.MeanPredicted), y.Map(b.FractionPositive))), "chart-line chart-current", ChartPalette.Primary),
            Html.Join(points.Select(b => ChartSvg.Circle(
                x.Map(b.MeanPredicted),
                y.Map(b.FractionPositive),
                MinRadius + ((MaxRadius - MinRadius) * Math.Sqrt(b.Count / (double)most)),
                "chart-point chart-current",
                ChartPalette.Primary,
                $"predicted {Value(b.MeanPredicted, "0.00")} \u2192 observed {Value(b.FractionPositive, "0.00")} ({Rows(b.Count)})"))),
        ]);
        return ChartFigure.Render(new ChartFrame(id, Kind, caption, Describe(points), Width, Top + Size + 44, body)
        {
            Legend =
            [
                new LegendEntry("Perfectly calibrated", ChartPalette.Reference, LegendMark.Dashed, "chart-diagonal"),
                new LegendEntry("Observed (point size: rows)", ChartPalette.Primary, LegendMark.Line, "chart-current"),
            ],
            Table = ChartTable.Render(
                caption,
                ["Mean predicted", "Fraction positive", "Rows"],
                points.Select(b => (IReadOnlyList<string>)[Value(b.MeanPredicted, "0.###"), Value(b.FractionPositive, "0.###"), b.Count.ToString("N0", CultureInfo.InvariantCulture)]).ToList()),
        });
    }

    /// <summary>Mean predicted probability to pixels.</summary>
    internal static LinearScale XScale => new(0, 1, Left, Left + Size);

    /// <summary>Fraction of positives to pixels.</summary>
    internal static LinearScale YScale => new(0, 1, Top + Size, Top);

    private static string Rows(long count) => count == 1 ? "1 row" : count.ToString("N0", CultureInfo.InvariantCulture) + " rows";

    private static string Describe(List<CalibrationBin> points)
    {
        var total = points.Sum(b => (double)b.Count);
        var ece = points.Sum(b => b.Count / total * Math.Abs(b.FractionPositive - b.MeanPredicted));
        var worst = points.MaxBy(b => Math.Abs(b.FractionPositive - b.MeanPredicted))!;
        return $"{points.Count} bins, {Rows((long)total)}. Expected calibration error {Value(ece, "0.###")} (gap between predicted and observed, weighted by rows). "
            + $"Largest gap: predicted {Value(worst.MeanPredicted, "0.00")}, observed {Value(worst.FractionPositive, "0.00")}.";
    }
}
