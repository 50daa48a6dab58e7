namespace Ferry.Statistics.Drift;

/// <summary>Result of a two-sample Kolmogorov–Smirnov test.</summary>
/// <param name="Statistic">D, the largest absolute difference between the two empirical CDFs.</param>
/// <param name="PValue">Two-sided p-value.</param>
/// <param name="Exact">True when the p-value came from the exact distribution (both sizes ≤ 10,000, as scipy's
/// <c>method='auto'</c>), false when from the asymptotic one.</param>
public sealed record KsResult(double Statistic, double PValue, bool Exact);
