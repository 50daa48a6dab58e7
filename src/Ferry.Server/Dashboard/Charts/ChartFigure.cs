using static Ferry.Server.Dashboard.Charts.ChartFormat;

namespace Ferry.Server.Dashboard.Charts;

/// <summary>The figure every chart shares: caption, legend, labelled scalable SVG, note and data table.</summary>
internal static class ChartFigure
{
    /// <summary>Shown instead of a chart when there is nothing to draw.</summary>
    public const string NoDataText = "No data yet";

    /// <summary>The whole figure.</summary>
    public static Html Render(ChartFrame frame)
    {
        var id = frame.Id;
        var note = frame.Note is null ? Html.Empty : Html.Of($"""<p class="chart-note">{frame.Note}</p>""");
        return Html.Of($"""<figure class="chart chart-{frame.Kind}" id="{id}"><figcaption class="chart-caption" id="{id}-caption">{frame.Caption}</figcaption>{ChartLegend.Render(frame.Legend)}<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" role="img" aria-labelledby="{id}-title" aria-describedby="{id}-desc" viewBox="0 0 {Coord(frame.Width)} {Coord(frame.Height)}" width="100%" preserveAspectRatio="xMidYMid meet" font-family="system-ui, sans-serif" font-size="12" focusable="false"><title id="{id}-title">{frame.Caption}</title><desc id="{id}-desc">{frame.Description}</desc>{frame.Body}</svg>{note}{frame.Table}</figure>""");
    }

    /// <summary>A figure with the caption and <see cref="NoDataText"/> instead of a chart.</summary>
    public static Html NoData(string id, string kind, string caption) =>
        Html.Of($"""<figure class="chart chart-{kind} chart-empty" id="{id}"><figcaption class="chart-caption" id="{id}-caption">{caption}</figcaption><p class="chart-no-data">{NoDataText}</p></figure>""");
}
