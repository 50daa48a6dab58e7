namespace Ferry.Core.Governance;

/// <summary>
/// Which quality gates run for a promotion and their thresholds. A null threshold switches that check off.
/// Metrics are computed on the version's labelled evaluation data: its reference, or the named holdout dataset.
/// </summary>
public sealed record GateSettings
{
    /// <summary>The holdout dataset uploaded for the model to evaluate on; null uses the candidate's reference rows and labels.</summary>
    public string? EvaluationDataset { get; init; }

    /// <summary>Lowest acceptable ROC AUC (binary classifiers).</summary>
    public double? MinAuc { get; init; }

    /// <summary>Highest acceptable log loss (classifiers).</summary>
    public double? MaxLogLoss { get; init; }

    /// <summary>Highest acceptable Brier score (binary classifiers).</summary>
    public double? MaxBrier { get; init; }

    /// <summary>Lowest acceptable accuracy (classifiers).</summary>
    public double? MinAccuracy { get; init; }

    /// <summary>Highest acceptable RMSE (regressors).</summary>
    public double? MaxRmse { get; init; }

    /// <summary>Highest acceptable MAE (regressors).</summary>
    public double? MaxMae { get; init; }

    /// <summary>
    /// Compare with the current champion on the same rows: the candidate fails only when it is worse by more than
    /// <see cref="ChampionMargin"/> and a paired test (DeLong for AUC, paired bootstrap otherwise) says so at
    /// <see cref="Alpha"/>. Null switches the comparison off.
    /// </summary>
    public double? ChampionMargin { get; init; }

    /// <summary>Significance level of the paired tests.</summary>
    public double Alpha { get; init; } = 0.05;

    /// <summary>The input column whose groups are compared for fairness; null switches the fairness gate off.</summary>
    public string? FairnessAttribute { get; init; }

    /// <summary>Lowest acceptable ratio of the lowest to the highest group selection rate (the four-fifths rule: 0.8).</summary>
    public double MinSelectionRateRatio { get; init; } = 0.8;

    /// <summary>Highest acceptable difference of true-positive rates between groups (equal opportunity).</summary>
    public double MaxEqualOpportunityDifference { get; init; } = 0.1;

    /// <summary>The candidate's signature must be accepted by every endpoint that follows the target alias.</summary>
    public bool RequireSignatureCompatible { get; init; } = true;

    /// <summary>A reference set and an exact explanation method (or a stated fallback) must exist.</summary>
    public bool RequireExplainability { get; init; }

    /// <summary>The model card must name an owner, the intended use and the limitations.</summary>
    public bool RequireModelCard { get; init; }

    /// <summary>Highest acceptable share of drifted features between the candidate's training data and current production traffic; null switches it off.</summary>
    public double? MaxDriftShare { get; init; }
}
