using System.Text.Json;
using System.Text.RegularExpressions;
using Ferry.Core.Governance;
using Ferry.Server.Dashboard.Pages;
using Xunit;

namespace Ferry.Dashboard.Tests;

/// <summary>
/// The request page's evidence sections from <see cref="GateEvidence"/> as the statistical gates fill it (metrics beside
/// the champion's, ROC curves, fairness rows), read back from the JSON a request freezes, and the empty states.
/// </summary>
public sealed partial class PromotionEvidenceSectionsTests
{
    [Fact]
    public void Sections_FrozenEvidenceWithMetricsCurvesAndFairness_ShowEveryNumber()
    {
        var evidence = new GateEvidence { EvaluationData = "reference", EvaluationRows = 1200 };
        evidence.Results.Add(new GateResult("metrics", "auc >= 0.7", GateVerdict.Pass, 0.767, 0.7, "AUC 0.767 on 1,200 rows."));
        evidence.Results.Add(new GateResult("fairness", "selection-rate ratio >= 0.8", GateVerdict.Fail, 0.75, 0.8, "Group b is selected less often."));
        evidence.Metrics.Add(new MetricComparison("auc", 0.767, 0.741, 0.792, 0.72, 0.047, 0.0031, "delong"));
        evidence.RocCurves.Add(new RocCurve(2, [0, 0, 1], [0, 1, 1]));
        evidence.RocCurves.Add(new RocCurve(1, [0, 0.5, 1], [0, 0.5, 1]));
        evidence.Fairness.Add(new FairnessRow(2, "a", 600, 0.4, 0.9));
        evidence.Fairness.Add(new FairnessRow(2, "b", 600, 0.3, 0.7));
        evidence.Fairness.Add(new FairnessRow(1, "a", 600, 0.5, 0.8));
        evidence.Fairness.Add(new FairnessRow(1, "b", 600, 0.5, 0.8));

        // What the page reads is the JSON the promotion request froze.
        var frozen = new PromotionRequest { ModelName = "credit", EvidenceJson = JsonSerializer.Serialize(evidence, PolicyJson.Options) };
        var read = Ferry.Server.Dashboard.PromotionAccess.EvidenceOf(frozen);

        var gates = PromotionEvidenceSections.Gates(read).Value;
        Assert.Contains("1 passed", gates, StringComparison.Ordinal);
        Assert.Contains("1 failed", gates, StringComparison.Ordinal);
        Assert.Contains("data-gate=\"fairness\" data-verdict=\"fail\"", gates, StringComparison.Ordinal);
        Assert.Contains("<td class=\"num\">0.75</td><td class=\"num\">0.8</td>", gates, StringComparison.Ordinal);

        var metrics = PromotionEvidenceSections.Metrics(read, 2, 1).Value;
        Assert.Contains("1,200 labelled rows (reference)", metrics, StringComparison.Ordinal);
        Assert.Matches(Cells(), metrics);
        Assert.Contains("Champion v1", metrics, StringComparison.Ordinal);

        var roc = PromotionEvidenceSections.Roc(read, 2, 1).Value;
        Assert.Contains("candidate v2 (AUC 1.000)", roc, StringComparison.Ordinal);
        Assert.Contains("champion v1 (AUC 0.500)", roc, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(roc, "<polyline class=\"chart-line chart-series-"));
        Assert.Contains("<th scope=\"row\">champion v1</th><td>0.5</td><td>0.5</td>", roc, StringComparison.Ordinal);

        var fairness = PromotionEvidenceSections.Fairness(read, 2, 1).Value;
        Assert.Contains("<tr data-version=\"2\"><th scope=\"row\">candidate v2</th><td class=\"num\">0.750</td><td class=\"num\">0.200</td></tr>", fairness, StringComparison.Ordinal);
        Assert.Contains("<tr data-version=\"1\"><th scope=\"row\">champion v1</th><td class=\"num\">1.000</td><td class=\"num\">0.000</td></tr>", fairness, StringComparison.Ordinal);
        Assert.Contains("30.0 %", fairness, StringComparison.Ordinal);
    }

    [Fact]
    public void Sections_EvidenceWithoutEvaluationData_SayWhyInsteadOfEmptyTables()
    {
        var evidence = new GateEvidence();
        evidence.Results.Add(new GateResult("model-card", "owner filled in", GateVerdict.Pass, null, null, "The card names an owner."));
        Assert.Contains("No labelled evaluation data", PromotionEvidenceSections.Metrics(evidence, 2, 1).Value, StringComparison.Ordinal);
        Assert.Contains("No labelled evaluation data", PromotionEvidenceSections.Roc(evidence, 2, 1).Value, StringComparison.Ordinal);
        Assert.Contains("No fairness table", PromotionEvidenceSections.Fairness(evidence, 2, 1).Value, StringComparison.Ordinal);
        Assert.DoesNotContain("<table", PromotionEvidenceSections.Metrics(evidence, 2, 1).Value, StringComparison.Ordinal);
        Assert.Contains("<td class=\"num\">–</td><td class=\"num\">–</td>", PromotionEvidenceSections.Gates(evidence).Value, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"<th scope=""row"">auc</th><td class=""num"">0\.767</td>\s*<td>0\.741 – 0\.792</td>\s*<td class=""num"">0\.72</td><td class=""num"">(\+|&#x2B;)0\.047</td>\s*<td class=""num"">0\.0031</td><td>delong</td>")]
    private static partial Regex Cells();
}
