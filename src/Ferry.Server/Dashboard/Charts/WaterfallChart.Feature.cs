namespace Ferry.Server.Dashboard.Charts;

public static partial class WaterfallChart
{
    /// <summary>One feature's contribution (e.g. a SHAP value).</summary>
    /// <param name="Label">Feature name.</param>
    /// <param name="ValueText">The feature's value as shown, e.g. <c>1.4</c>; null to show the name only.</param>
    /// <param name="Contribution">Signed contribution to the prediction.</param>
    public sealed record Feature(string Label, string? ValueText, double Contribution);
}
