using Ferry.Core.Governance;
using Ferry.Statistics.Metrics;

namespace Ferry.Server.Governance.Gates;

/// <summary>
/// The <c>champion</c> gate: the candidate against the version the target alias points at, on the same rows. It
/// compares the primary metric (AUC, RMSE, or log loss for multiclass) and every other metric the settings set a
/// threshold for. A comparison fails only when the candidate is worse by more than <see cref="GateSettings.ChampionMargin"/>
/// AND the one-sided paired test rejects "not worse than champion − margin" at <see cref="GateSettings.Alpha"/>:
/// DeLong's test for AUC, the paired bootstrap (<see cref="PairedBootstrap.DefaultResamples"/> resamples, seed
/// <see cref="PairedBootstrap.DefaultSeed"/>) otherwise. Off when the margin is null; not applicable without a champion.
/// </summary>
public sealed class ChampionGate(EvaluationRows rows) : IPromotionGate
{
    /// <summary>The gate's name.</summary>
    public const string GateName = "champion";

    /// <inheritdoc />
    public string Name => GateName;

    /// <inheritdoc />
    public async Task EvaluateAsync(GateContext context, GateEvidence evidence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(evidence);
        if (context.Settings.ChampionMargin is not { } margin)
        {
            return;
        }

        var alpha = context.Settings.Alpha;
        var evaluation = await rows.GetAsync(context, cancellationToken);
        GateMetrics.Describe(evidence, evaluation);
        var versus = context.ChampionVersion is { } v ? $"version {v}" : "the champion";
        if (evaluation.Reason is { } reason)
        {
            evidence.Results.Add(new GateResult(GateName, $"not worse than {versus}", GateVerdict.NotApplicable, null, -margin, reason));
            return;
        }

        if (evaluation.Champion is not { } champion)
        {
            evidence.Results.Add(new GateResult(GateName, $"not worse than {versus}", GateVerdict.NotApplicable, null, -margin,
                evaluation.ChampionReason ?? "No champion to compare with."));
            return;
        }

        var metrics = new List<string> { GateMetrics.Primary(evaluation.Task) };
        metrics.AddRange(GateMetrics.Thresholds(context.Settings).Select(t => t.Metric)
            .Where(m => GateMetrics.Of(evaluation.Task).Contains(m) && !metrics.Contains(m)));
        foreach (var metric in metrics)
        {
            var check = $"{metric} not worse than version {champion.Version} by more than {GateMetrics.Show(margin)}";
            if (!GateMetrics.Computable(evaluation, metric))
            {
                evidence.Results.Add(new GateResult(GateName, check, GateVerdict.NotApplicable, null, -margin,
                    $"The {evaluation.Rows} evaluation rows hold a single class, so AUC is undefined."));
                continue;
            }

            var row = Compare(evaluation, champion, metric, margin);
            GateMetrics.Set(evidence, row);
            var difference = row.Difference!.Value;
            var p = row.PValue!.Value;
            var worse = difference < -margin && p < alpha;
            var test = row.Test == "delong" ? "DeLong's test" : $"paired bootstrap ({PairedBootstrap.DefaultResamples} resamples, seed {PairedBootstrap.DefaultSeed})";
            var direction = difference >= 0 ? "better" : "worse";
            evidence.Results.Add(new GateResult(GateName, check, worse ? GateVerdict.Fail : GateVerdict.Pass, difference, -margin,
                $"{metric}: candidate {GateMetrics.Show(row.Candidate)}, version {champion.Version} {GateMetrics.Show(row.Champion!.Value)} on the same {evaluation.Rows} rows "
                + $"({GateMetrics.Show(Math.Abs(difference))} {direction}); {test} one-sided p = {p.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)} "
                + (worse
                    ? $"< α {GateMetrics.Show(alpha)}: the candidate is worse by more than the margin."
                    : difference < -margin
                        ? $"≥ α {GateMetrics.Show(alpha)}: worse than the margin allows, but not significantly."
                        : "(no worse than the margin allows).")));
        }
    }

    private static MetricComparison Compare(ScoredEvaluation evaluation, VersionScores champion, string metric, double margin)
    {
        var candidate = evaluation.Candidate!;
        if (metric == GateMetrics.Auc)
        {
            var delong = DeLong.Compare(evaluation.Actual, candidate.Scores, champion.Scores);
            var (low, high) = new DeLongAuc(delong.AucA, delong.VarianceA).Interval();
            return new MetricComparison(metric, delong.AucA, low, high, delong.AucB, delong.Difference, delong.WorseByMorePValue(margin), "delong");
        }

        var result = PairedBootstrap.Compare(
            GateMetrics.Terms(evaluation, candidate, metric),
            GateMetrics.Terms(evaluation, champion, metric),
            GateMetrics.Transform(metric),
            GateMetrics.HigherIsBetter(metric),
            margin);
        return new MetricComparison(metric, result.Candidate, result.CandidateLow, result.CandidateHigh, result.Champion, result.Difference, result.PValue, "paired-bootstrap");
    }
}
