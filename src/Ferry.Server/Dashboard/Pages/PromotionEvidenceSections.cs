using System.Globalization;
using Ferry.Core.Contracts;
using Ferry.Core.Governance;
using Ferry.Server.Dashboard.Charts;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>
/// The sections of a promotion request's frozen <see cref="GateEvidence"/>: every gate check, the candidate's metrics
/// beside the champion's with the paired test, both ROC curves with their data table, the fairness table, and the
/// model-card fields side by side. A section with nothing to show says why instead.
/// </summary>
public static class PromotionEvidenceSections
{
    /// <summary>Every check with its value, threshold and verdict, and a count of each verdict.</summary>
    public static Html Gates(GateEvidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        if (evidence.Results.Count == 0)
        {
            return Ui.Empty("No gate ran for this request.", Html.Text("The policy switches every gate off; the decision rests on the approvers alone."));
        }

        var (pass, fail, na) = Counts(evidence);
        var summary = Html.Of($"""<p class="gate-summary">{Ui.Badge($"{pass} passed", Ui.Tone.Ok)} {Ui.Badge($"{fail} failed", fail == 0 ? Ui.Tone.None : Ui.Tone.Fail)} {Ui.Badge($"{na} not applicable", Ui.Tone.None)}</p>""");
        var table = Ui.Table("Gate checks, in the order they ran",
            Html.Raw("<th scope=\"col\">Gate</th><th scope=\"col\">Check</th><th scope=\"col\" class=\"num\">Value</th><th scope=\"col\" class=\"num\">Threshold</th><th scope=\"col\">Verdict</th><th scope=\"col\">Detail</th>"),
            Html.Each(evidence.Results, r => Html.Of($"""
                <tr data-gate="{r.Gate}" data-verdict="{Verdict(r.Verdict)}"><th scope="row">{r.Gate}</th><td><code>{r.Check}</code></td>
                <td class="num">{Number(r.Value)}</td><td class="num">{Number(r.Threshold)}</td><td>{VerdictBadge(r.Verdict)}</td><td>{r.Detail}</td></tr>
                """)));
        return Html.Join([summary, table]);
    }

    /// <summary>Pass, fail and not-applicable counts.</summary>
    public static (int Pass, int Fail, int NotApplicable) Counts(GateEvidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        return (evidence.Results.Count(r => r.Verdict == GateVerdict.Pass), evidence.Results.Count(r => r.Verdict == GateVerdict.Fail),
            evidence.Results.Count(r => r.Verdict == GateVerdict.NotApplicable));
    }

    /// <summary>The candidate's metrics beside the champion's on the same rows, with intervals and the paired test.</summary>
    public static Html Metrics(GateEvidence evidence, int candidate, int? champion)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        if (evidence.Metrics.Count == 0)
        {
            return NoEvaluationData();
        }

        var championHead = champion is { } c ? $"Champion v{c}" : "Champion";
        var head = Html.Of($"""<th scope="col">Metric</th><th scope="col" class="num">Candidate v{candidate}</th><th scope="col">95 % interval</th><th scope="col" class="num">{championHead}</th><th scope="col" class="num">{Ui.Term("Difference", "Candidate minus champion, signed so that a positive difference is better")}</th><th scope="col" class="num">{Ui.Term("p-value", "The paired test's one-sided p-value for: the candidate is worse than the champion by more than the margin")}</th><th scope="col">Test</th>""");
        var rows = Html.Each(evidence.Metrics, m => Html.Of($"""
            <tr data-metric="{m.Metric}"><th scope="row">{m.Metric}</th><td class="num">{Number(m.Candidate)}</td>
            <td>{(m.CandidateLow is { } low && m.CandidateHigh is { } high ? $"{Number(low)} – {Number(high)}" : "–")}</td>
            <td class="num">{Number(m.Champion)}</td><td class="num">{(m.Difference is { } d ? ChartFormat.Signed(d, v => Number(v)) : "–")}</td>
            <td class="num">{Number(m.PValue)}</td><td>{m.Test ?? "–"}</td></tr>
            """));
        return Html.Join([EvaluatedOn(evidence), Ui.Table("Candidate and champion metrics on the same rows", head, rows)]);
    }

    /// <summary>Both versions' ROC curves (candidate first) as a chart with its data table.</summary>
    public static Html Roc(GateEvidence evidence, int candidate, int? champion)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        if (evidence.RocCurves.Count == 0)
        {
            return NoEvaluationData("ROC curves are drawn for binary classifiers with labelled evaluation rows.");
        }

        var curves = evidence.RocCurves
            .OrderBy(c => c.Version == candidate ? 0 : c.Version == champion ? 1 : 2).ThenBy(c => c.Version)
            .Select(c => (Label: Label(c.Version, candidate, champion), Curve: c))
            .ToList();
        return RocChart.Render("roc", curves, "ROC curves on the evaluation rows");
    }

    /// <summary>Selection and true-positive rates per group, both versions side by side, with the four-fifths ratio and the equal-opportunity difference.</summary>
    public static Html Fairness(GateEvidence evidence, int candidate, int? champion)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        if (evidence.Fairness.Count == 0)
        {
            return Ui.Empty("No fairness table for this request.",
                Html.Text("The fairness gate runs when the policy names a fairness attribute and the version has labelled evaluation data."));
        }

        var versions = evidence.Fairness.Select(f => f.Version).Distinct()
            .OrderBy(v => v == candidate ? 0 : v == champion ? 1 : 2).ThenBy(v => v).ToList();
        var groups = evidence.Fairness.Select(f => f.Group).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var head = Html.Join(
        [
            Html.Raw("<th scope=\"col\">Group</th>"),
            Html.Each(versions, v => Html.Of($"""<th scope="col" class="num">Rows v{v}</th><th scope="col" class="num">{Ui.Term($"Selection rate v{v}", "Share of the group predicted positive")}</th><th scope="col" class="num">{Ui.Term($"True positive rate v{v}", "Share of the group's actual positives predicted positive")}</th>""")),
        ]);
        var rows = Html.Each(groups, g => Html.Of($"""
            <tr data-group="{g}"><th scope="row">{g}</th>{Html.Each(versions, v => evidence.Fairness.FirstOrDefault(f => f.Version == v && f.Group == g) is { } row
                ? Html.Of($"<td class=\"num\">{row.Rows.ToString("N0", CultureInfo.InvariantCulture)}</td><td class=\"num\">{Ui.Percent(row.SelectionRate)}</td><td class=\"num\">{(row.TruePositiveRate is { } tpr ? Ui.Percent(tpr) : "–")}</td>")
                : Html.Raw("<td class=\"num\">–</td><td class=\"num\">–</td><td class=\"num\">–</td>"))}</tr>
            """));
        var summary = Ui.Table("Across groups",
            Html.Raw("<th scope=\"col\">Version</th><th scope=\"col\" class=\"num\"><abbr title=\"Lowest group selection rate divided by the highest (four-fifths rule: at least 0.8)\">Selection-rate ratio</abbr></th><th scope=\"col\" class=\"num\"><abbr title=\"Highest minus lowest group true positive rate\">Equal-opportunity difference</abbr></th>"),
            Html.Each(versions, v =>
            {
                var of = evidence.Fairness.Where(f => f.Version == v && f.Rows > 0).ToList();
                var highest = of.Count == 0 ? 0 : of.Max(f => f.SelectionRate);
                var ratio = highest > 0 ? of.Min(f => f.SelectionRate) / highest : double.NaN;
                var tprs = of.Where(f => f.TruePositiveRate is not null).Select(f => f.TruePositiveRate!.Value).ToList();
                var gap = tprs.Count < 2 ? double.NaN : tprs.Max() - tprs.Min();
                return Html.Of($"<tr data-version=\"{v}\"><th scope=\"row\">{Label(v, candidate, champion)}</th><td class=\"num\">{Ui.Number(ratio, "0.000")}</td><td class=\"num\">{Ui.Number(gap, "0.000")}</td></tr>");
            }));
        return Html.Join([Ui.Table("Fairness by group", head, rows), summary]);
    }

    /// <summary>The editable model-card fields of the champion and the candidate, field by field.</summary>
    public static Html CardDiff(ModelCardFields candidateCard, ModelCardFields? championCard, int candidate, int? champion)
    {
        ArgumentNullException.ThrowIfNull(candidateCard);
        var fields = new (string Name, Func<ModelCardFields, string?> Read)[]
        {
            ("Owner", f => f.Owner),
            ("Intended use", f => f.IntendedUse),
            ("Limitations", f => f.Limitations),
            ("Ethical considerations", f => f.EthicalConsiderations),
            ("Fairness attribute", f => f.FairnessAttribute),
            ("Decision threshold", f => f.DecisionThreshold?.ToString("0.###", CultureInfo.InvariantCulture)),
            ("Positive decision", f => f.PositiveDecision),
            ("Negative decision", f => f.NegativeDecision),
            ("Positive outcome", f => f.PositiveOutcome),
        };
        var championHead = champion is { } c ? $"Champion v{c}" : "Champion (none)";
        var rows = Html.Each(fields, f =>
        {
            var now = f.Read(candidateCard);
            var before = championCard is null ? null : f.Read(championCard);
            var changed = !string.Equals(now ?? string.Empty, before ?? string.Empty, StringComparison.Ordinal);
            return Html.Of($"""
                <tr data-field="{f.Name}" data-changed="{(changed ? "true" : "false")}"><th scope="row">{f.Name}</th><td>{Field(before)}</td><td>{Field(now)}</td>
                <td>{(championCard is null ? Ui.Badge("new", Ui.Tone.None) : changed ? Ui.Badge("changed", Ui.Tone.Warn) : Ui.Badge("same", Ui.Tone.Ok))}</td></tr>
                """);
        });
        return Ui.Table("Model card fields, champion beside candidate",
            Html.Of($"""<th scope="col">Field</th><th scope="col">{championHead}</th><th scope="col">Candidate v{candidate}</th><th scope="col">Change</th>"""),
            rows);
    }

    private static Html Field(string? text) => string.IsNullOrWhiteSpace(text) ? Html.Raw("<span class=\"hint\">not filled in</span>") : Html.Text(text);

    private static Html EvaluatedOn(GateEvidence evidence) =>
        evidence.EvaluationData is null
            ? Html.Empty
            : Html.Of($"<p>Evaluated on {evidence.EvaluationRows.ToString("N0", CultureInfo.InvariantCulture)} labelled rows ({evidence.EvaluationData}).</p>");

    private static Html NoEvaluationData(string? more = null) =>
        Ui.Empty("No labelled evaluation data in this request's evidence.",
            Html.Text("The metric and champion gates run on the version's labelled reference or on a holdout dataset uploaded for the model. " + (more ?? string.Empty)));

    private static string Label(int version, int candidate, int? champion) =>
        version == candidate ? $"candidate v{version}" : version == champion ? $"champion v{version}" : $"v{version}";

    private static string Number(double? value) => value is { } v ? Ui.Number(v, "0.####") : "–";

    private static string Verdict(GateVerdict verdict) => verdict switch
    {
        GateVerdict.Pass => "pass",
        GateVerdict.Fail => "fail",
        _ => "not-applicable",
    };

    private static Html VerdictBadge(GateVerdict verdict) => verdict switch
    {
        GateVerdict.Pass => Ui.Badge("Pass", Ui.Tone.Ok),
        GateVerdict.Fail => Ui.Badge("Fail", Ui.Tone.Fail),
        _ => Ui.Badge("Not applicable", Ui.Tone.None),
    };
}
