namespace Ferry.Statistics.Drift;

/// <summary>Statistical test or distance used to decide whether a column drifted.</summary>
public enum DriftMethod
{
    /// <summary>Two-sample Kolmogorov–Smirnov test (numeric); drifted when p &lt; threshold.</summary>
    KolmogorovSmirnov,

    /// <summary>Chi-square goodness of fit against reference proportions; drifted when p &lt; threshold.</summary>
    ChiSquare,

    /// <summary>Two-proportion z-test (at most two distinct values); drifted when p &lt; threshold.</summary>
    ZTest,

    /// <summary>Population stability index over bins or categories; drifted when PSI ≥ threshold.</summary>
    Psi,

    /// <summary>Jensen–Shannon distance over bins or categories; drifted when distance ≥ threshold.</summary>
    JensenShannon,

    /// <summary>Wasserstein distance normalised by the reference standard deviation (numeric); drifted when ≥ threshold.</summary>
    Wasserstein,
}
