using static Ferry.Server.Dashboard.Charts.ChartFormat;

namespace Ferry.Server.Dashboard.Charts;

/// <summary>Horizontal bars of shares (e.g. a traffic split), the percentage at each bar's end.</summary>
public static class ShareBars
{
    private const string Kind = "shares";
    private const double Width = 600;
    private const double LabelEdge = 170;
    private const double BarLeft = 178;
    private const double BarRight = 490;
    private const double Top = 6;
    private const double RowHeight = 28;
    private const double BarHeight = 16;

    /// <summary>The bars as a <c>&lt;figure&gt;</c>, or "No data yet" for no items.</summary>
    /// <param name="id">Id unique in the page; element ids derive from it.</param>
    /// <param name="items">Bars, top to bottom.</param>
    /// <param name="caption">Visible caption, also the SVG title.</param>
    public static Html Render(string id, IReadOnlyList<Item> items, string caption)
    {
        ArgumentNullException.ThrowIfNull(items);
        id = ChartIds.Sanitize(id);
        if (items.Count == 0)
        {
            return ChartFigure.NoData(id, Kind, caption);
        }

        var scale = new LinearScale(0, 1, BarLeft, BarRight);
        var body = Html.Join(items.Select((item, i) =>
        {
            var share = Share(item);
            var top = Top + (i * RowHeight) + ((RowHeight - BarHeight) / 2);
            var label = item.Label ?? string.Empty;
            var shown = Truncate(label, (int)((LabelEdge - 4) / CharWidth));
            var text = item.Note is null ? Percent(share) : $"{Percent(share)} \u00b7 {item.Note}";
            return Html.Join(
            [
                ChartSvg.Text(LabelEdge, top + 12, shown, "chart-row-label", "end", 12, shown == label ? null : label),
                ChartSvg.Rect(BarLeft, top, BarRight - BarLeft, BarHeight, "chart-track", ChartPalette.Track),
                ChartSvg.Rect(BarLeft, top, scale.Map(share) - BarLeft, BarHeight, "chart-bar chart-current", ChartPalette.Primary, $"{label}: {text}"),
                ChartSvg.Text(scale.Map(share) + 4, top + 12, text, "chart-value-label", "start", 11),
            ]);
        }));
        var description = string.Join("; ", items.Select(item => $"{item.Label}: {Percent(Share(item))}")) + ".";
        return ChartFigure.Render(new ChartFrame(id, Kind, caption, description, Width, (Top * 2) + (items.Count * RowHeight), body)
        {
            Table = ChartTable.Render(
                caption,
                ["Label", "Share", "Note"],
                items.Select(item => (IReadOnlyList<string>)[item.Label ?? string.Empty, Percent(Share(item)), item.Note ?? string.Empty]).ToList()),
        });
    }

    private static double Share(Item item) => double.IsFinite(item.Share) ? Math.Clamp(item.Share, 0, 1) : 0;

    /// <summary>One bar.</summary>
    /// <param name="Label">Label left of the bar.</param>
    /// <param name="Share">Share 0–1 (clamped).</param>
    /// <param name="Note">Short text after the percentage, e.g. <c>canary</c>.</param>
    public sealed record Item(string Label, double Share, string? Note = null);
}
