using Ferry.Core.Dashboard;
using Ferry.Core.Monitoring;
using Ferry.Server.Dashboard.Charts;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>
/// How well the model performs, from its performance monitor's reports: the realized metric once ground truth arrived,
/// the CBPE estimate (with its band) where it has not, how much truth has arrived, and the latest calibration curve.
/// </summary>
public static class PerformancePage
{
    private const int ReportCount = 96;

    /// <summary>Renders the page.</summary>
    public static async Task<IResult> RenderAsync(HttpContext context, string name, string? monitor, IDashboardReadModel queries, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(queries);
        var page = new MonitorPage("Performance", $"Performance of {name}",
            Html.Of($"How often the model is right, measured once the true outcomes arrive, and estimated with {Ui.Term("CBPE", Terms.Cbpe)} before they do."),
            DashboardLinks.Performance(name),
            Ui.Empty("No monitor checks this endpoint's performance.",
                Html.Of($"Create one: <code>./ferry monitor create {name}-performance --endpoint {name} --window 1d --metric roc_auc --min 0.7</code>, and send ground truth to <code>POST /api/v1/endpoints/{name}/feedback</code> as it arrives.")));
        return await page.RenderAsync(context, name, monitor, spec => spec.Performance is not null, async chosen =>
        {
            var spec = EndpointView.SpecOf(chosen).Performance!;
            var reports = ParsedReport.Parse(await queries.ReportsAsync(chosen.Name, ReportCount, cancellationToken)).Where(r => r.Body is not null).ToList();
            return reports.Count == 0
                ? Ui.Empty($"Monitor {chosen.Name} has not run yet.", Html.Of($"Run it now: <code>./ferry monitor run {chosen.Name}</code>."))
                : Render(chosen.Name, spec.Metric, spec.Min ?? spec.Max, reports);
        }, clock, cancellationToken);
    }

    private static Html Render(string monitor, string metric, double? limit, IReadOnlyList<ParsedReport> reports)
    {
        var label = MetricLabel(metric);
        var realized = reports.Select(r => new TimeSeriesChart.Point(r.At, Realized(r.Body!.Performance, metric))).ToList();
        var estimated = reports.Select(r => Estimated(r, metric)).ToList();
        var series = new List<TimeSeriesChart.Series> { new("Realized (ground truth)", realized) };
        if (estimated.Any(p => p.Value is not null))
        {
            series.Add(new TimeSeriesChart.Series("Estimated (CBPE)", estimated) { BandLabel = "±3 standard errors" });
        }

        var chart = TimeSeriesChart.Render(new TimeSeriesChart.Spec("metric", $"{label} per window", label, series)
        {
            YFormat = "0.###",
            Threshold = limit is { } l ? new TimeSeriesChart.Threshold(l, "limit") : null,
        });
        var labelled = TimeSeriesChart.Render(new TimeSeriesChart.Spec("labelled", "Predictions with known outcome, per window", "predictions",
        [
            new TimeSeriesChart.Series("Served", [.. reports.Select(r => new TimeSeriesChart.Point(r.At, r.Body!.Rows))]) { IsReference = true },
            new TimeSeriesChart.Series("With ground truth", [.. reports.Select(r => new TimeSeriesChart.Point(r.At, r.Body!.Performance?.LabelledRows ?? 0))]),
        ])
        { YFormat = "N0", YMin = 0 });

        var withCalibration = reports.LastOrDefault(r => r.Body!.Performance?.Calibration is { Count: > 0 });
        var calibration = withCalibration is null
            ? Ui.Empty("No calibration curve yet.", Html.Text("It needs ground truth for the window's predictions."))
            : CalibrationChart.Render("calibration", withCalibration.Body!.Performance!.Calibration!,
                $"Calibration over the window ending {withCalibration.At.UtcDateTime:yyyy-MM-dd HH:mm} UTC ({withCalibration.Body.Performance.LabelledRows:N0} outcomes)");
        var latest = reports[^1];
        var failed = latest.Body!.Checks.Where(c => !c.Passed).ToList();
        var verdict = failed.Count == 0 ? Ui.Badge("All checks passed", Ui.Tone.Ok) : Ui.Badge($"{failed.Count} check(s) failed", Ui.Tone.Fail);
        var table = Ui.Table("Every run",
            Html.Raw($"<th scope=\"col\">Window end</th><th scope=\"col\" class=\"num\">Served</th><th scope=\"col\" class=\"num\">With outcome</th><th scope=\"col\" class=\"num\">{Html.Encode(label)} realized</th><th scope=\"col\" class=\"num\">{Html.Encode(label)} estimated</th><th scope=\"col\">Result</th>"),
            Html.Each(reports.AsEnumerable().Reverse(), r =>
            {
                var real = Realized(r.Body!.Performance, metric);
                var estimate = Estimated(r, metric);
                var band = estimate.Value is { } v ? $"{v:0.000} ({estimate.Lower:0.000}–{estimate.Upper:0.000})" : "–";
                return Html.Of($"<tr><td>{Ui.Time(r.At)}</td><td class=\"num\">{r.Body.Rows:N0}</td><td class=\"num\">{r.Body.Performance?.LabelledRows ?? 0:N0}</td><td class=\"num\">{(real is { } x ? x.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture) : "–")}</td><td class=\"num\">{band}</td><td>{(r.Report.FailedChecks == 0 ? Ui.Badge("passed", Ui.Tone.Ok) : Ui.Badge($"{r.Report.FailedChecks} failed", Ui.Tone.Fail))}</td></tr>");
            }));
        return Html.Of($"""
            <p>{verdict} Monitor <code>{monitor}</code> checks {Ui.Term(label, metric == "roc_auc" ? Terms.RocAuc : label)}{(limit is { } lim ? Html.Of($" against the limit {lim:0.###}") : Html.Empty)}.</p>
            <div class="grid">{chart}{labelled}</div>
            <h2>{Ui.Term("Calibration", Terms.Calibration)}</h2>
            {calibration}
            <h2>Runs</h2>
            {table}
            """);
    }

    private static double? Realized(RealizedPerformance? performance, string metric) =>
        performance is null ? null : MonitorEvaluator.MetricOf(performance, metric);

    private static TimeSeriesChart.Point Estimated(ParsedReport report, string metric)
    {
        var estimate = report.Body!.Estimated is { } e ? MonitorEvaluator.EstimateOf(e, metric) : null;
        return estimate is null || !double.IsFinite(estimate.Value)
            ? new TimeSeriesChart.Point(report.At, null)
            : new TimeSeriesChart.Point(report.At, estimate.Value, estimate.Lower, estimate.Upper);
    }

    private static string MetricLabel(string metric) => metric switch
    {
        "roc_auc" => "ROC AUC",
        "f1" => "F1 score",
        "log_loss" => "log loss",
        _ => metric,
    };
}
