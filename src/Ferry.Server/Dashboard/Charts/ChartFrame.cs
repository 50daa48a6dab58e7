namespace Ferry.Server.Dashboard.Charts;

/// <summary>What every chart figure holds around its marks.</summary>
/// <param name="Id">Sanitised id of the figure; element ids derive from it.</param>
/// <param name="Kind">Chart kind, for the class <c>chart-{kind}</c>.</param>
/// <param name="Caption">Visible caption and SVG title.</param>
/// <param name="Description">Summary for the SVG <c>&lt;desc&gt;</c>.</param>
/// <param name="Width">View box width.</param>
/// <param name="Height">View box height.</param>
/// <param name="Body">The SVG content.</param>
internal sealed record ChartFrame(string Id, string Kind, string Caption, string Description, double Width, double Height, Html Body)
{
    /// <summary>Legend entries; none means no legend.</summary>
    public IReadOnlyList<LegendEntry> Legend { get; init; } = [];

    /// <summary>A note shown under the chart (e.g. a warning), or nothing.</summary>
    public string? Note { get; init; }

    /// <summary>The data table (see <see cref="ChartTable"/>).</summary>
    public Html Table { get; init; }
}
