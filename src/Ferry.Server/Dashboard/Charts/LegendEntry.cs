namespace Ferry.Server.Dashboard.Charts;

/// <summary>How a legend swatch looks.</summary>
internal enum LegendMark
{
    /// <summary>A filled square (bars).</summary>
    Box,

    /// <summary>A line with a point (series).</summary>
    Line,

    /// <summary>A dashed line (thresholds, references).</summary>
    Dashed,

    /// <summary>A translucent box (bands).</summary>
    Band,
}

/// <summary>One legend entry.</summary>
/// <param name="Label">Text.</param>
/// <param name="Colour">Swatch colour.</param>
/// <param name="Mark">Swatch shape.</param>
/// <param name="CssClass">Class shared with the marks it names, e.g. <c>chart-current</c>.</param>
internal sealed record LegendEntry(string Label, string Colour, LegendMark Mark, string CssClass);
