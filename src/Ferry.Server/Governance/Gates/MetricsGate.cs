using Ferry.Core.Governance;

namespace Ferry.Server.Governance.Gates;

/// <summary>
/// The <c>metrics</c> gate: the candidate's AUC, log loss, Brier score and accuracy (binary classifiers), RMSE and MAE
/// (regressors), accuracy and log loss (multiclass) on the labelled evaluation rows, each against its threshold in
/// <see cref="GateSettings"/>. Off when no threshold is set. Fills the metric table (with 95 % intervals and the
/// champion's values beside them) and both versions' ROC curves.
/// </summary>
public sealed class MetricsGate(EvaluationRows rows) : IPromotionGate
{
    /// <summary>The gate's name.</summary>
    public const string GateName = "metrics";

    /// <inheritdoc />
    public string Name => GateName;

    /// <inheritdoc />
    public async Task EvaluateAsync(GateContext context, GateEvidence evidence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(evidence);
        var thresholds = GateMetrics.Thresholds(context.Settings);
        if (thresholds.Count == 0)
        {
            return;
        }

        var evaluation = await rows.GetAsync(context, cancellationToken);
        GateMetrics.Describe(evidence, evaluation);
        foreach (var (metric, threshold) in thresholds)
        {
            var higher = GateMetrics.HigherIsBetter(metric);
            var check = $"{metric} {(higher ? ">=" : "<=")} {GateMetrics.Show(threshold)}";
            if (evaluation.Reason is { } reason)
            {
                evidence.Results.Add(new GateResult(GateName, check, GateVerdict.NotApplicable, null, threshold, reason));
                continue;
            }

            if (!GateMetrics.Of(evaluation.Task).Contains(metric))
            {
                evidence.Results.Add(new GateResult(GateName, check, GateVerdict.NotApplicable, null, threshold,
                    $"{metric} does not apply to version {context.Version}: it is a {Describe(evaluation.Task)}."));
                continue;
            }

            if (!GateMetrics.Computable(evaluation, metric))
            {
                evidence.Results.Add(new GateResult(GateName, check, GateVerdict.NotApplicable, null, threshold,
                    $"The {evaluation.Rows} evaluation rows hold a single class, so AUC is undefined."));
                continue;
            }

            var row = evidence.Metrics.Find(m => m.Metric == metric) ?? GateMetrics.Row(evaluation, metric);
            var passed = higher ? row.Candidate >= threshold : row.Candidate <= threshold;
            var interval = row.CandidateLow is { } low && row.CandidateHigh is { } high
                ? $" (95 % interval {GateMetrics.Show(low)} to {GateMetrics.Show(high)}, {(metric == GateMetrics.Auc ? "DeLong" : "bootstrap")})"
                : string.Empty;
            evidence.Results.Add(new GateResult(GateName, check, passed ? GateVerdict.Pass : GateVerdict.Fail, row.Candidate, threshold,
                $"{metric} of version {context.Version} is {GateMetrics.Show(row.Candidate)}{interval} on {evaluation.Rows} rows of the {evaluation.Source}: "
                + (passed ? "within" : "outside") + $" the threshold {GateMetrics.Show(threshold)}."));
        }
    }

    internal static string Describe(EvaluationTask task) => task switch
    {
        EvaluationTask.Binary => "binary classifier",
        EvaluationTask.Regression => "regressor",
        _ => "multiclass classifier",
    };
}
