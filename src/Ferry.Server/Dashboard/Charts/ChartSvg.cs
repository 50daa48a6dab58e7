using static Ferry.Server.Dashboard.Charts.ChartFormat;

namespace Ferry.Server.Dashboard.Charts;

/// <summary>SVG elements with explicit presentation attributes, so a chart reads right without any stylesheet.</summary>
internal static class ChartSvg
{
    /// <summary>Text; <paramref name="tooltip"/> (e.g. the full label behind a truncated one) becomes its <c>&lt;title&gt;</c>.</summary>
    public static Html Text(double x, double y, string text, string cssClass, string anchor = "start", double size = 12, string? tooltip = null, Html extra = default) =>
        Html.Of($"""<text class="{cssClass}" x="{Coord(x)}" y="{Coord(y)}" text-anchor="{anchor}" font-size="{size}" fill="{ChartPalette.Text}"{extra}>{Title(tooltip)}{text}</text>""");

    /// <summary>A straight line.</summary>
    public static Html Line(double x1, double y1, double x2, double y2, string cssClass, string stroke, double width = 1, string? dash = null, string? tooltip = null) =>
        Html.Of($"""<line class="{cssClass}" x1="{Coord(x1)}" y1="{Coord(y1)}" x2="{Coord(x2)}" y2="{Coord(y2)}" stroke="{stroke}" stroke-width="{width}"{Dash(dash)}>{Title(tooltip)}</line>""");

    /// <summary>A rectangle; negative sizes are drawn from the other corner.</summary>
    public static Html Rect(double x, double y, double width, double height, string cssClass, string fill, string? tooltip = null)
    {
        var left = Math.Min(x, x + width);
        var top = Math.Min(y, y + height);
        return Html.Of($"""<rect class="{cssClass}" x="{Coord(left)}" y="{Coord(top)}" width="{Coord(Math.Abs(width))}" height="{Coord(Math.Abs(height))}" fill="{fill}">{Title(tooltip)}</rect>""");
    }

    /// <summary>A small circle.</summary>
    public static Html Circle(double cx, double cy, double r, string cssClass, string fill, string? tooltip = null) =>
        Html.Of($"""<circle class="{cssClass}" cx="{Coord(cx)}" cy="{Coord(cy)}" r="{Coord(r)}" fill="{fill}" stroke="#fff" stroke-width="1">{Title(tooltip)}</circle>""");

    /// <summary>An open line through the points.</summary>
    public static Html Polyline(IEnumerable<(double X, double Y)> points, string cssClass, string stroke, double width = 2, string? dash = null) =>
        Html.Of($"""<polyline class="{cssClass}" points="{Points(points)}" fill="none" stroke="{stroke}" stroke-width="{width}" stroke-linejoin="round" stroke-linecap="round"{Dash(dash)}/>""");

    /// <summary>A translucent filled shape.</summary>
    public static Html Polygon(IEnumerable<(double X, double Y)> points, string cssClass, string fill, string? tooltip = null) =>
        Html.Of($"""<polygon class="{cssClass}" points="{Points(points)}" fill="{fill}" fill-opacity="0.18" stroke="none">{Title(tooltip)}</polygon>""");

    /// <summary>A white outline behind text, so labels stay legible over lines.</summary>
    public static Html Halo => Html.Raw(" stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\"");

    private static Html Title(string? tooltip) => tooltip is null ? Html.Empty : Html.Of($"<title>{tooltip}</title>");

    private static Html Dash(string? dash) => dash is null ? Html.Empty : Html.Of($" stroke-dasharray=\"{dash}\"");

    private static string Points(IEnumerable<(double X, double Y)> points) =>
        string.Join(' ', points.Select(p => Coord(p.X) + "," + Coord(p.Y)));
}
