namespace Ferry.Statistics.Calibration;

/// <summary>An estimated metric with its standard error and band.</summary>
/// <param name="Value">The estimate.</param>
/// <param name="StandardError">Monte Carlo standard error of the realised metric.</param>
/// <param name="Lower">Value − k · SE, clipped to [0, 1].</param>
/// <param name="Upper">Value + k · SE, clipped to [0, 1].</param>
public sealed record MetricEstimate(double Value, double StandardError, double Lower, double Upper);
