namespace Ferry.Statistics.Drift;

/// <summary>Result of a two-proportion z-test.</summary>
/// <param name="Statistic">z = (p_ref − p_cur) / √(P (1 − P) (1/n_ref + 1/n_cur)) with the pooled proportion P.</param>
/// <param name="PValue">Two-sided p-value, 2 · Φ̄(|z|).</param>
public sealed record ZTestResult(double Statistic, double PValue);
