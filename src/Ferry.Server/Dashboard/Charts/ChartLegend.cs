namespace Ferry.Server.Dashboard.Charts;

/// <summary>A chart's legend as an HTML list, each entry with a small inline SVG swatch.</summary>
internal static class ChartLegend
{
    /// <summary>The legend, or nothing for no entries.</summary>
    public static Html Render(IReadOnlyList<LegendEntry> entries) =>
        entries.Count == 0
            ? Html.Empty
            : Html.Of($"""<ul class="chart-legend">{Html.Each(entries, Entry)}</ul>""");

    private static Html Entry(LegendEntry entry) =>
        Html.Of($"""<li class="chart-legend-item {entry.CssClass}"><svg xmlns="http://www.w3.org/2000/svg" class="chart-swatch" width="24" height="12" viewBox="0 0 24 12" aria-hidden="true" focusable="false">{Swatch(entry)}</svg> {entry.Label}</li>""");

    private static Html Swatch(LegendEntry entry) => entry.Mark switch
    {
        LegendMark.Line => Html.Of($"""<line x1="0" y1="6" x2="24" y2="6" stroke="{entry.Colour}" stroke-width="2"/><circle cx="12" cy="6" r="3" fill="{entry.Colour}"/>"""),
        LegendMark.Dashed => Html.Of($"""<line x1="0" y1="6" x2="24" y2="6" stroke="{entry.Colour}" stroke-width="2" stroke-dasharray="5 3"/>"""),
        LegendMark.Band => Html.Of($"""<rect x="0" y="1" width="24" height="10" fill="{entry.Colour}" fill-opacity="0.18" stroke="{entry.Colour}" stroke-width="1"/>"""),
        _ => Html.Of($"""<rect x="6" y="0" width="12" height="12" fill="{entry.Colour}"/>"""),
    };
}
