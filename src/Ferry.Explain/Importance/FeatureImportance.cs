namespace Ferry.Explain.Importance;

/// <summary>How much one (source) feature matters globally.</summary>
/// <param name="Feature">The feature.</param>
/// <param name="Importance">Mean |SHAP| (in the explanations' space), or the mean metric drop for permutation importance.</param>
/// <param name="StandardDeviation">The spread: of |SHAP| over rows, or of the drop over repeats.</param>
public sealed record FeatureImportance(string Feature, double Importance, double StandardDeviation);
