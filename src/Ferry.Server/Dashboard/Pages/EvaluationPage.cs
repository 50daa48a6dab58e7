using Ferry.Core.Governance;
using Ferry.Core.Identity;
using Ferry.Core.Pipelines;
using Ferry.Server.Dashboard.Charts;
using Ferry.Statistics.Metrics;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>
/// One challenger evaluation (<c>/ui/evaluations/{id}</c>): the deciding metric of both versions with the bootstrap
/// interval of the difference, the paired test and its p-value, the verdict and its summary; every metric; ROC curves
/// of both and their calibration; fairness per group; prediction drift; the live shadow comparison when there is one.
/// The loop page shows the same for the endpoint's latest evaluation.
/// </summary>
internal static class EvaluationPage
{
    /// <summary>Renders the page (READ on the evaluation's model).</summary>
    public static async Task<IResult> RenderAsync(HttpContext context, Guid id, IChallengerEvaluationStore evaluations, IPipelineStore pipelines, CancellationToken cancellationToken)
    {
        var evaluation = await evaluations.FindAsync(id, cancellationToken);
        if (evaluation is null || !await DashboardPermissions.MayAsync(context, evaluation.ModelName, PermissionLevel.Read, cancellationToken))
        {
            return NotFoundPage.Render(context, $"No evaluation has the id {id}.");
        }

        var run = evaluation.PipelineRunId is { } runId ? await pipelines.FindRunAsync(runId, cancellationToken) : null;
        var body = Render(evaluation, run, "evaluation");
        return Layout.Page(context, Layout.Section.Pipelines, $"Challenger v{evaluation.ChallengerVersion} against champion v{evaluation.ChampionVersion}",
            Html.Of($"{evaluation.ModelName} on endpoint {evaluation.EndpointName}, {Ui.Number(evaluation.Rows)} labelled rows held out of training."),
            body,
            new Crumb("Models", DashboardLinks.Home), new Crumb(evaluation.EndpointName, DashboardLinks.Endpoint(evaluation.EndpointName)),
            new Crumb("Loop", DashboardLinks.Loop(evaluation.EndpointName)));
    }

    /// <summary>The evaluation's sections; <paramref name="id"/> prefixes the element ids (unique in the page).</summary>
    public static Html Render(ChallengerEvaluation evaluation, PipelineRun? run, string id)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        var champion = $"champion v{evaluation.ChampionVersion}";
        var challenger = $"challenger v{evaluation.ChallengerVersion}";
        var facts = Html.Of($"""
            <dl class="facts" id="{id}-facts">
            <dt>Verdict</dt><dd>{LoopParts.Verdict(evaluation.Verdict)} <span class="summary">{evaluation.Summary}</span></dd>
            <dt>Versions</dt><dd><a href="{DashboardLinks.Card(evaluation.ModelName, evaluation.ChampionVersion)}">{champion}</a> against <a href="{DashboardLinks.Card(evaluation.ModelName, evaluation.ChallengerVersion)}">{challenger}</a> of {evaluation.ModelName}</dd>
            <dt>Backtest window</dt><dd>{LoopParts.T(evaluation.WindowFrom)} to {LoopParts.T(evaluation.WindowTo)}, {Ui.Number(evaluation.Rows)} labelled rows</dd>
            <dt>Pipeline run</dt><dd>{(run is null ? Html.Text("–") : Html.Of($"<a href=\"{DashboardLinks.PipelineRun(run.PipelineName, run.Number)}\">{run.PipelineName} #{run.Number}</a>"))}</dd>
            <dt>Evaluated</dt><dd>{LoopParts.T(evaluation.CreatedAt)}{(evaluation.CompletedAt is { } done ? Html.Of($", decided {Ui.Time(done)}") : Html.Text(", not decided yet"))}</dd>
            </dl>
            """);
        var deciding = Ui.Table("Deciding metric",
            Html.Raw("<th scope=\"col\">Metric</th><th scope=\"col\" class=\"num\">Champion</th><th scope=\"col\" class=\"num\">Challenger</th><th scope=\"col\" class=\"num\">Difference interval (higher is better)</th><th scope=\"col\">Paired test</th><th scope=\"col\" class=\"num\">p-value</th>"),
            Html.Of($"<tr id=\"{id}-deciding\"><th scope=\"row\">{evaluation.Metric}</th><td class=\"num\">{LoopParts.N(evaluation.ChampionValue)}</td><td class=\"num\">{LoopParts.N(evaluation.ChallengerValue)}</td><td class=\"num interval\">{LoopParts.Interval(evaluation.DifferenceLow, evaluation.DifferenceHigh)}</td><td>{(evaluation.PairedTest.Length == 0 ? "–" : evaluation.PairedTest)}</td><td class=\"num p-value\">{PValue(evaluation.PValue)}</td></tr>"));

        var metrics = LoopJson.Metrics(evaluation.MetricsJson);
        var curves = LoopJson.Curves(evaluation.CurvesJson);
        var roc = RocChart.Render($"{id}-roc",
            [(champion, Roc(evaluation.ChampionVersion, curves.ChampionRoc)), (challenger, Roc(evaluation.ChallengerVersion, curves.ChallengerRoc))],
            $"ROC curves of {champion} and {challenger} on the backtest rows");
        var calibration = Html.Join(
        [
            CalibrationChart.Render($"{id}-calibration-champion", Bins(curves.ChampionCalibration), $"Calibration of {champion}"),
            CalibrationChart.Render($"{id}-calibration-challenger", Bins(curves.ChallengerCalibration), $"Calibration of {challenger}"),
        ]);
        var shadow = LoopJson.Shadow(evaluation.ShadowJson);
        return Html.Of($"""
            {facts}
            {deciding}
            <h3>Every metric</h3>
            {MetricTable($"{id}-metrics", "Metrics of both on the backtest rows, with the bootstrap interval of the difference", metrics)}
            <h3>ROC and calibration</h3>
            <div class="grid">{roc}{calibration}</div>
            <h3>Fairness</h3>
            {Fairness(id, LoopJson.Fairness(evaluation.FairnessJson), champion, challenger)}
            <h3>Prediction drift between the two</h3>
            {Drift(id, LoopJson.Drift(evaluation.DriftJson))}
            <h3>Shadow on live traffic</h3>
            {Shadow(id, shadow, evaluation.ShadowStartedAt)}
            """);
    }

    /// <summary>A table of metrics with the interval of the difference.</summary>
    public static Html MetricTable(string id, string caption, IReadOnlyList<LoopMetric> metrics)
    {
        if (metrics.Count == 0)
        {
            return Html.Of($"<p class=\"hint\" id=\"{id}\">No metric was recorded.</p>");
        }

        var rows = Html.Each(metrics, m => Html.Of($"<tr data-metric=\"{m.Name}\"><th scope=\"row\">{m.Name}{(m.HigherIsBetter == false ? Html.Text(" (lower is better)") : Html.Empty)}</th><td class=\"num\">{LoopParts.N(m.Champion)}</td><td class=\"num\">{LoopParts.N(m.Challenger)}</td><td class=\"num\">{LoopParts.N(m.Difference)}</td><td class=\"num interval\">{LoopParts.Interval(m.Low, m.High)}</td></tr>"));
        return Html.Of($"<div id=\"{id}\">{Ui.Table(caption, Html.Raw("<th scope=\"col\">Metric</th><th scope=\"col\" class=\"num\">Champion</th><th scope=\"col\" class=\"num\">Challenger</th><th scope=\"col\" class=\"num\">Difference (better is positive)</th><th scope=\"col\" class=\"num\">Interval</th>"), rows)}</div>");
    }

    private static string PValue(double p) => !double.IsFinite(p) ? "–" : p < 0.0001 ? "< 0.0001" : Ui.Number(p, "0.0000");

    private static RocCurve Roc(int version, IReadOnlyList<(double Fpr, double Tpr)> points) =>
        new(version, [.. points.Select(p => p.Fpr)], [.. points.Select(p => p.Tpr)]);

    private static List<CalibrationBin> Bins(IReadOnlyList<(double Mean, double Observed, long Count)> bins) =>
        [.. bins.Select(b => new CalibrationBin(b.Mean, b.Observed, b.Count))];

    private static Html Fairness(string id, LoopFairness? fairness, string champion, string challenger)
    {
        if (fairness is null)
        {
            return Html.Of($"<p class=\"hint\" id=\"{id}-fairness\">No fairness comparison was recorded (the pipeline's evaluation names no fairness attribute and the model card none).</p>");
        }

        var head = Html.Of($"<th scope=\"col\">Group</th><th scope=\"col\" class=\"num\">Rows</th><th scope=\"col\" class=\"num\">Positive rate, {champion}</th><th scope=\"col\" class=\"num\">Positive rate, {challenger}</th><th scope=\"col\" class=\"num\">TPR, {champion}</th><th scope=\"col\" class=\"num\">TPR, {challenger}</th><th scope=\"col\" class=\"num\">FPR, {champion}</th><th scope=\"col\" class=\"num\">FPR, {challenger}</th>");
        var rows = Html.Each(fairness.Groups, g => Html.Of($"<tr data-group=\"{g.Group}\"><th scope=\"row\">{g.Group}</th><td class=\"num\">{(g.Rows is { } r ? Ui.Number(r) : "–")}</td>{Rates(g.Champion, g.Challenger)}</tr>"));
        var gaps = fairness.ChampionGap is null && fairness.ChallengerGap is null
            ? Html.Empty
            : Html.Of($"<tr class=\"gaps\"><th scope=\"row\">Largest gap between groups</th><td class=\"num\">–</td>{Rates(fairness.ChampionGap, fairness.ChallengerGap)}</tr>");
        return Html.Of($"<div id=\"{id}-fairness\">{Ui.Table($"Rates per group of {fairness.Attribute ?? "the fairness attribute"}", head, Html.Join([rows, gaps]))}</div>");
    }

    private static Html Rates(LoopRates? champion, LoopRates? challenger) => Html.Of(
        $"<td class=\"num\">{LoopParts.P(champion?.PositiveRate)}</td><td class=\"num\">{LoopParts.P(challenger?.PositiveRate)}</td><td class=\"num\">{LoopParts.P(champion?.Tpr)}</td><td class=\"num\">{LoopParts.P(challenger?.Tpr)}</td><td class=\"num\">{LoopParts.P(champion?.Fpr)}</td><td class=\"num\">{LoopParts.P(challenger?.Fpr)}</td>");

    private static Html Drift(string id, LoopDrift? drift) => drift is null
        ? Html.Of($"<p class=\"hint\" id=\"{id}-drift\">No prediction drift was recorded.</p>")
        : Html.Of($"""
            <dl class="facts" id="{id}-drift">
            <dt>{Ui.Term("Jensen–Shannon distance", "How far apart the two versions' score distributions are on the same rows: 0 identical, 1 disjoint (base 2).")}</dt><dd class="js">{LoopParts.N(drift.JensenShannon)}</dd>
            <dt>{Ui.Term("Kolmogorov–Smirnov", "The largest gap between the two versions' cumulative score distributions, with the two-sample test's p-value.")}</dt><dd class="ks">{LoopParts.N(drift.Ks)} (p = {LoopParts.N(drift.KsPValue, "0.0000")})</dd>
            </dl>
            """);

    private static Html Shadow(string id, LoopShadow? shadow, long? startedAt)
    {
        if (shadow is null)
        {
            return Html.Of($"<p class=\"hint\" id=\"{id}-shadow\">{(startedAt is { } at ? Html.Of($"Shadowing since {Ui.Time(at)}: no comparison yet.") : Html.Text("No shadow phase (the pipeline's evaluation asks for none, or it has not started)."))}</p>");
        }

        return Html.Of($"""
            <div id="{id}-shadow">
            <dl class="facts">
            <dt>Requests both answered</dt><dd class="requests">{(shadow.Requests is { } r ? Ui.Number(r) : "–")}</dd>
            <dt>Decisions agreed</dt><dd class="agreement">{LoopParts.P(shadow.Agreement)}</dd>
            <dt>Labelled so far</dt><dd class="labelled">{(shadow.Labelled is { } l ? Ui.Number(l) : "–")}</dd>
            <dt>Window</dt><dd>{LoopParts.T(shadow.From ?? startedAt)} to {LoopParts.T(shadow.To)}</dd>
            </dl>
            {MetricTable($"{id}-shadow-metrics", "Metrics of both on the shadowed requests that have a label", shadow.Metrics)}
            </div>
            """);
    }
}
