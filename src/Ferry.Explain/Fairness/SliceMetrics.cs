namespace Ferry.Explain.Fairness;

/// <summary>Decision rates within one group of a sensitive attribute.</summary>
/// <param name="Group">The group's value.</param>
/// <param name="Count">Rows in the group.</param>
/// <param name="SelectionRate">Share of rows predicted positive (selected/approved).</param>
/// <param name="TruePositiveRate">Share of actual positives predicted positive; NaN without labels or positives.</param>
/// <param name="FalsePositiveRate">Share of actual negatives predicted positive; NaN without labels or negatives.</param>
/// <param name="ActualPositives">Rows labelled positive (0 without labels).</param>
public sealed record SliceMetrics(string Group, int Count, double SelectionRate, double TruePositiveRate, double FalsePositiveRate, int ActualPositives);
