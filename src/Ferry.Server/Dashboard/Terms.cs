namespace Ferry.Server.Dashboard;

/// <summary>Plain-language explanations of the statistical terms the pages use (shown as tooltips).</summary>
public static class Terms
{
    /// <summary>Drift.</summary>
    public const string Drift = "Drift: the inputs the model sees now are distributed differently from the data it was trained on, so its answers may be less reliable.";

    /// <summary>Drift score.</summary>
    public const string DriftScore = "How far the current distribution is from the training data's. 0 means identical; the check fails at the limit shown. The method is named with each score.";

    /// <summary>PSI.</summary>
    public const string Psi = "Population Stability Index: sums, over bins, the change in share times the log of its ratio. Below 0.1 is usually read as stable, above 0.25 as a large shift.";

    /// <summary>Wasserstein distance.</summary>
    public const string Wasserstein = "Wasserstein distance: how far values moved on average, in standard deviations of the training data. 0.1 means a tenth of a standard deviation.";

    /// <summary>Jensen–Shannon distance.</summary>
    public const string JensenShannon = "Jensen–Shannon distance: how different two sets of category shares are, from 0 (same) to 1 (no overlap).";

    /// <summary>Kolmogorov–Smirnov.</summary>
    public const string KolmogorovSmirnov = "Kolmogorov–Smirnov test: the largest gap between the two cumulative distributions; the check fails when its p-value is below the limit.";

    /// <summary>Chi-square.</summary>
    public const string ChiSquare = "Chi-square test: whether category counts differ more than chance would explain; the check fails when its p-value is below the limit.";

    /// <summary>CBPE.</summary>
    public const string Cbpe = "Confidence-based performance estimation (CBPE): the model's expected accuracy computed from its own calibrated scores, available before the true outcomes arrive. The band is ±3 standard errors.";

    /// <summary>ROC AUC.</summary>
    public const string RocAuc = "ROC AUC: the chance that the model scores a random positive case above a random negative one. 0.5 is guessing, 1 is perfect.";

    /// <summary>Calibration.</summary>
    public const string Calibration = "Calibration: whether scores mean what they say. Of the applications scored around 0.2, about 20 % should turn out positive; points on the diagonal are perfectly calibrated.";

    /// <summary>SHAP.</summary>
    public const string Shap = "SHAP values split one prediction into one contribution per input: starting from the average score, each input pushes the score up or down, and the contributions add up exactly to this prediction.";

    /// <summary>Base value.</summary>
    public const string BaseValue = "The model's average output over its reference data: where every explanation starts.";

    /// <summary>Latency.</summary>
    public const string Latency = "Time the server spent on the request, from receiving it to answering, in milliseconds. p50 is the median; p95 is exceeded by 1 request in 20.";

    /// <summary>Explains a drift method by name.</summary>
    public static string ForMethod(string method) => method.ToLowerInvariant() switch
    {
        var m when m.Contains("psi", StringComparison.Ordinal) => Psi,
        var m when m.Contains("wasserstein", StringComparison.Ordinal) => Wasserstein,
        var m when m.Contains("jensen", StringComparison.Ordinal) || m.Contains("js", StringComparison.Ordinal) => JensenShannon,
        var m when m.Contains("ks", StringComparison.Ordinal) || m.Contains("kolmogorov", StringComparison.Ordinal) => KolmogorovSmirnov,
        var m when m.Contains("chi", StringComparison.Ordinal) => ChiSquare,
        _ => DriftScore,
    };
}
