namespace Ferry.Server.Dashboard.Charts;

public static partial class TimeSeriesChart
{
    /// <summary>A chart of series over UTC time.</summary>
    /// <param name="Id">Id unique in the page; element ids derive from it (reduced to <c>[a-z0-9-]</c>).</param>
    /// <param name="Caption">Visible caption, also the SVG title.</param>
    /// <param name="YLabel">Y-axis label with its unit, e.g. <c>requests per hour</c>.</param>
    /// <param name="Series">The series, drawn in order.</param>
    public sealed record Spec(string Id, string Caption, string YLabel, IReadOnlyList<Series> Series)
    {
        /// <summary>.NET format for y values (invariant culture), e.g. <c>0.###</c>, <c>0%</c>, <c>N0</c>.</summary>
        public string YFormat { get; init; } = "0.###";

        /// <summary>Fixed bottom of the y axis; from the data when null.</summary>
        public double? YMin { get; init; }

        /// <summary>Fixed top of the y axis; from the data when null.</summary>
        public double? YMax { get; init; }

        /// <summary>A horizontal dashed line, e.g. a drift limit.</summary>
        public Threshold? Threshold { get; init; }
    }

    /// <summary>One series.</summary>
    /// <param name="Name">Name for the legend, tooltips and table.</param>
    /// <param name="Points">Points in any order; a null or non-finite value is a gap.</param>
    public sealed record Series(string Name, IReadOnlyList<Point> Points)
    {
        /// <summary>Draw as the reference (grey) rather than in the next series colour.</summary>
        public bool IsReference { get; init; }

        /// <summary>What the band around the line is, e.g. <c>±3 standard errors</c>; used when points carry bounds.</summary>
        public string? BandLabel { get; init; }
    }

    /// <summary>One point, with optional band bounds drawn as a translucent area.</summary>
    /// <param name="At">Time (shown in UTC).</param>
    /// <param name="Value">Value, or null for a gap.</param>
    /// <param name="Lower">Band's lower bound at this time.</param>
    /// <param name="Upper">Band's upper bound at this time.</param>
    public sealed record Point(DateTimeOffset At, double? Value, double? Lower = null, double? Upper = null);

    /// <summary>A horizontal threshold line.</summary>
    /// <param name="Value">Y value.</param>
    /// <param name="Label">Label drawn by the line, e.g. <c>limit 0.1</c>.</param>
    public sealed record Threshold(double Value, string Label);
}
