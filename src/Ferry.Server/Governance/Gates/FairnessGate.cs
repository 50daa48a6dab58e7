using System.Globalization;
using Ferry.Core.Governance;
using Ferry.Explain.Fairness;
using Ferry.Server.Explain;

namespace Ferry.Server.Governance.Gates;

/// <summary>
/// The <c>fairness</c> gate (binary classifiers): the evaluation rows grouped by <see cref="GateSettings.FairnessAttribute"/>
/// (an input column; text and booleans by value, numbers in quartile bands of the rows, missing as <c>missing</c>).
/// "Selected" is the positive decision: a score (the positive class's probability) ≥ <see cref="GateMetrics.DecisionThreshold"/>.
/// Checks the candidate's ratio of the lowest to the highest group selection rate against
/// <see cref="GateSettings.MinSelectionRateRatio"/> (the four-fifths rule) and its equal-opportunity difference (max − min
/// true-positive rate over groups with positives) against <see cref="GateSettings.MaxEqualOpportunityDifference"/>; the
/// table holds both versions' groups. Off when no attribute is named.
/// </summary>
public sealed class FairnessGate(EvaluationRows rows) : IPromotionGate
{
    /// <summary>The gate's name.</summary>
    public const string GateName = "fairness";

    /// <inheritdoc />
    public string Name => GateName;

    /// <inheritdoc />
    public async Task EvaluateAsync(GateContext context, GateEvidence evidence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(evidence);
        var settings = context.Settings;
        if (settings.FairnessAttribute is not { } attribute)
        {
            return;
        }

        var ratioCheck = $"selection_rate_ratio by {attribute} >= {GateMetrics.Show(settings.MinSelectionRateRatio)}";
        var opportunityCheck = $"equal_opportunity_difference by {attribute} <= {GateMetrics.Show(settings.MaxEqualOpportunityDifference)}";
        var evaluation = await rows.GetAsync(context, cancellationToken);
        GateMetrics.Describe(evidence, evaluation);
        string? reason = evaluation.Reason;
        if (reason is null && evaluation.Task != EvaluationTask.Binary)
        {
            reason = $"Fairness applies to binary classifiers; version {context.Version} is a {MetricsGate.Describe(evaluation.Task)}.";
        }

        Array? column = null;
        if (reason is null && !evaluation.Batch!.Columns.TryGetValue(attribute, out column))
        {
            reason = $"'{attribute}' is not an input of version {context.Version}; use one of {string.Join(", ", evaluation.Batch.Columns.Keys)}.";
        }

        if (reason is not null)
        {
            evidence.Results.Add(new GateResult(GateName, ratioCheck, GateVerdict.NotApplicable, null, settings.MinSelectionRateRatio, reason));
            evidence.Results.Add(new GateResult(GateName, opportunityCheck, GateVerdict.NotApplicable, null, settings.MaxEqualOpportunityDifference, reason));
            return;
        }

        var groups = Groups(column!);
        FairnessReport? candidateReport = null;
        foreach (var scores in new[] { evaluation.Candidate!, evaluation.Champion })
        {
            if (scores is null)
            {
                continue;
            }

            var report = FairnessSlices.Compute(groups, [.. scores.Scores.Select(s => s >= GateMetrics.DecisionThreshold)], evaluation.Actual);
            candidateReport ??= report;
            evidence.Fairness.AddRange(report.Slices.Select(s =>
                new FairnessRow(scores.Version, s.Group, s.Count, s.SelectionRate, double.IsNaN(s.TruePositiveRate) ? null : s.TruePositiveRate)));
        }

        var slices = candidateReport!.Slices;
        var lowest = slices.MinBy(s => s.SelectionRate)!;
        var highest = slices.MaxBy(s => s.SelectionRate)!;
        var ratio = highest.SelectionRate == 0 ? 1.0 : lowest.SelectionRate / highest.SelectionRate;
        var ratioPassed = ratio >= settings.MinSelectionRateRatio;
        evidence.Results.Add(new GateResult(GateName, ratioCheck, ratioPassed ? GateVerdict.Pass : GateVerdict.Fail, ratio, settings.MinSelectionRateRatio,
            highest.SelectionRate == 0
                ? $"No row of any {attribute} group is selected (score ≥ {GateMetrics.Show(GateMetrics.DecisionThreshold)}), so the rates are equal."
                : string.Create(CultureInfo.InvariantCulture,
                    $"Selected (scored as '{evaluation.PositiveLabel}', score ≥ {GateMetrics.Show(GateMetrics.DecisionThreshold)}): lowest {attribute} = {lowest.Group} {lowest.SelectionRate:P1} of {lowest.Count}, highest {highest.Group} {highest.SelectionRate:P1} of {highest.Count}; ratio {GateMetrics.Show(ratio)} over {slices.Count} groups.")));

        var difference = candidateReport.EqualOpportunityDifference;
        if (double.IsNaN(difference))
        {
            evidence.Results.Add(new GateResult(GateName, opportunityCheck, GateVerdict.NotApplicable, null, settings.MaxEqualOpportunityDifference,
                $"No {attribute} group has an actual positive ('{evaluation.PositiveLabel}') among the evaluation rows."));
            return;
        }

        var withPositives = slices.Where(s => !double.IsNaN(s.TruePositiveRate)).ToList();
        var low = withPositives.MinBy(s => s.TruePositiveRate)!;
        var high = withPositives.MaxBy(s => s.TruePositiveRate)!;
        var opportunityPassed = difference <= settings.MaxEqualOpportunityDifference;
        evidence.Results.Add(new GateResult(GateName, opportunityCheck, opportunityPassed ? GateVerdict.Pass : GateVerdict.Fail, difference, settings.MaxEqualOpportunityDifference,
            string.Create(CultureInfo.InvariantCulture,
                $"True-positive rate: lowest {attribute} = {low.Group} {low.TruePositiveRate:P1} of {low.ActualPositives} positives, highest {high.Group} {high.TruePositiveRate:P1} of {high.ActualPositives}; difference {GateMetrics.Show(difference)}.")));
    }

    /// <summary>Group names: text and booleans as they are; numbers in quartile bands of the rows; missing as <c>missing</c>.</summary>
    internal static string[] Groups(Array column)
    {
        ArgumentNullException.ThrowIfNull(column);
        switch (column)
        {
            case string?[] text:
                return [.. text.Select(t => t ?? "missing")];
            case bool[] flags:
                return [.. flags.Select(f => f ? "true" : "false")];
        }

        var values = column switch
        {
            double[] d => d,
            float[] f => [.. f.Select(v => (double)v)],
            long[] l => [.. l.Select(v => (double)v)],
            int[] i => [.. i.Select(v => (double)v)],
            _ => [.. column.Cast<object?>().Select(o => o is null ? double.NaN : Convert.ToDouble(o, CultureInfo.InvariantCulture))],
        };
        return QuartileBands.Of(values);
    }
}
