namespace Ferry.Explain.Fairness;

/// <summary>Per-group rates and the gaps between groups.</summary>
/// <param name="Slices">One entry per group, ordered by group value.</param>
/// <param name="DemographicParityDifference">Max − min selection rate across groups.</param>
/// <param name="EqualOpportunityDifference">Max − min true positive rate across groups that have positives; NaN when none do.</param>
public sealed record FairnessReport(IReadOnlyList<SliceMetrics> Slices, double DemographicParityDifference, double EqualOpportunityDifference);
