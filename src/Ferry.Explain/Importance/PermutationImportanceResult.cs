namespace Ferry.Explain.Importance;

/// <summary>Permutation importance of every feature.</summary>
/// <param name="Metric">The metric.</param>
/// <param name="BaselineScore">The metric on the unshuffled holdout.</param>
/// <param name="Features">
/// Per feature, the mean and standard deviation (over repeats) of how much worse the metric got when the feature was
/// shuffled (AUC: baseline − shuffled; log loss: shuffled − baseline); most important first.
/// </param>
public sealed record PermutationImportanceResult(ImportanceMetric Metric, double BaselineScore, IReadOnlyList<FeatureImportance> Features);
