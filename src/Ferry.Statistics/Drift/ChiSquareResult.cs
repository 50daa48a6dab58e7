namespace Ferry.Statistics.Drift;

/// <summary>Result of a chi-square goodness-of-fit test.</summary>
/// <param name="Statistic">Pearson's χ² statistic.</param>
/// <param name="PValue">Upper-tail p-value of χ² with <paramref name="DegreesOfFreedom"/> degrees of freedom.</param>
/// <param name="DegreesOfFreedom">Number of cells minus one.</param>
public sealed record ChiSquareResult(double Statistic, double PValue, int DegreesOfFreedom);
