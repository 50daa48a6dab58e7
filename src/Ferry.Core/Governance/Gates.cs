namespace Ferry.Core.Governance;

/// <summary>The verdict of one gate check.</summary>
public enum GateVerdict
{
    /// <summary>The check passed.</summary>
    Pass = 1,

    /// <summary>The check failed: a promotion request cannot be approved while it stands.</summary>
    Fail = 2,

    /// <summary>The check could not run (no champion, no labels...); <see cref="GateResult.Detail"/> says why.</summary>
    NotApplicable = 3,
}

/// <summary>One check of a gate, with its value, threshold and verdict.</summary>
/// <param name="Gate">The gate's name (<c>metrics</c>, <c>champion</c>, <c>fairness</c>, <c>signature</c>, <c>explainability</c>, <c>model-card</c>, <c>drift</c>).</param>
/// <param name="Check">What was checked, e.g. <c>auc &gt;= 0.75</c>.</param>
/// <param name="Verdict">Pass, fail or not applicable.</param>
/// <param name="Value">The measured value, when there is one.</param>
/// <param name="Threshold">The threshold it was compared with, when there is one.</param>
/// <param name="Detail">One plain sentence for people.</param>
public sealed record GateResult(string Gate, string Check, GateVerdict Verdict, double? Value, double? Threshold, string Detail);

/// <summary>A metric of the candidate beside the champion's on the same rows, with the paired test's answer.</summary>
/// <param name="Metric">auc, log_loss, brier, accuracy, rmse or mae.</param>
/// <param name="Candidate">The candidate's value.</param>
/// <param name="CandidateLow">Lower end of its 95 % interval, when computed.</param>
/// <param name="CandidateHigh">Upper end of its 95 % interval, when computed.</param>
/// <param name="Champion">The champion's value, null without a champion.</param>
/// <param name="Difference">Candidate minus champion, signed so that positive is better.</param>
/// <param name="PValue">The paired test's one-sided p-value for "the candidate is worse by more than the margin".</param>
/// <param name="Test">The test's name (<c>delong</c>, <c>paired-bootstrap</c>).</param>
public sealed record MetricComparison(
    string Metric, double Candidate, double? CandidateLow, double? CandidateHigh, double? Champion, double? Difference, double? PValue, string? Test);

/// <summary>One group of the fairness attribute for one version.</summary>
/// <param name="Version">The model version.</param>
/// <param name="Group">The attribute's value.</param>
/// <param name="Rows">Rows in the group.</param>
/// <param name="SelectionRate">Share predicted positive.</param>
/// <param name="TruePositiveRate">Share of actual positives predicted positive, null without positives.</param>
public sealed record FairnessRow(int Version, string Group, int Rows, double SelectionRate, double? TruePositiveRate);

/// <summary>A version's ROC curve on the evaluation rows (thresholds descending).</summary>
/// <param name="Version">The model version.</param>
/// <param name="FalsePositiveRates">x.</param>
/// <param name="TruePositiveRates">y.</param>
public sealed record RocCurve(int Version, IReadOnlyList<double> FalsePositiveRates, IReadOnlyList<double> TruePositiveRates);

/// <summary>What the gates found for one candidate: every check, and the tables a reviewer reads beside them.</summary>
public sealed class GateEvidence
{
    /// <summary>Every check, in the order the gates ran.</summary>
    public List<GateResult> Results { get; } = [];

    /// <summary>Candidate and champion metrics side by side.</summary>
    public List<MetricComparison> Metrics { get; } = [];

    /// <summary>Selection and true-positive rates per group, for both versions.</summary>
    public List<FairnessRow> Fairness { get; } = [];

    /// <summary>ROC curves of both versions (binary classifiers).</summary>
    public List<RocCurve> RocCurves { get; } = [];

    /// <summary>The number of evaluation rows and where they came from (<c>reference</c> or a dataset's name).</summary>
    public string? EvaluationData { get; set; }

    /// <summary>Rows evaluated.</summary>
    public int EvaluationRows { get; set; }

    /// <summary>True when no check failed.</summary>
    public bool Passed => Results.TrueForAll(r => r.Verdict != GateVerdict.Fail);
}

/// <summary>What a gate is asked about.</summary>
/// <param name="ModelName">The registered model.</param>
/// <param name="Version">The candidate version.</param>
/// <param name="TargetAlias">The alias it would take (e.g. <c>champion</c>), or null for a stage move.</param>
/// <param name="ChampionVersion">The version the target alias points at now, or null.</param>
/// <param name="Settings">The policy's gate settings.</param>
public sealed record GateContext(string ModelName, int Version, string? TargetAlias, int? ChampionVersion, GateSettings Settings);

/// <summary>
/// One quality gate. Every registered gate runs for every evaluation, in registration order, and adds its checks
/// (and tables) to the evidence; a gate that does not apply adds a <see cref="GateVerdict.NotApplicable"/> result
/// or nothing when it is switched off in the settings.
/// </summary>
public interface IPromotionGate
{
    /// <summary>The gate's name, as in <see cref="GateResult.Gate"/>.</summary>
    string Name { get; }

    /// <summary>Runs the gate's checks.</summary>
    Task EvaluateAsync(GateContext context, GateEvidence evidence, CancellationToken cancellationToken);
}
