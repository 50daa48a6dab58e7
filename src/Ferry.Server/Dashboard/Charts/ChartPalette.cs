namespace Ferry.Server.Dashboard.Charts;

/// <summary>Colour-blind-safe colours (Okabe–Ito), each with at least 3:1 contrast against white for marks.</summary>
internal static class ChartPalette
{
    public const string Reference = "#6b6b6b";
    public const string Primary = "#0072B2";
    public const string Raises = "#B8420F";
    public const string Lowers = "#0072B2";
    public const string Threshold = "#444";
    public const string Text = "#1f1f1f";
    public const string Axis = "#6b6b6b";
    public const string Grid = "#d9d9d9";
    public const string Track = "#ececec";

    /// <summary>Series colours in order: blue, vermillion, bluish green, reddish purple.</summary>
    public static readonly IReadOnlyList<string> Series = ["#0072B2", "#D55E00", "#009E73", "#CC79A7"];
}
