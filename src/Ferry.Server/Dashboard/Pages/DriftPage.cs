using Ferry.Core.Dashboard;
using Ferry.Core.Monitoring;
using Ferry.Server.Dashboard.Charts;
using Ferry.Statistics.Drift;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>
/// Data drift of an endpoint, from its drift monitor's reports: which checks failed in the latest run and why, the
/// share of drifted features over time, and per feature the reference and current distributions beside its drift
/// score over time (drifted features first).
/// </summary>
public static class DriftPage
{
    private const int ReportCount = 96;

    /// <summary>Renders the page.</summary>
    public static async Task<IResult> RenderAsync(HttpContext context, string name, string? monitor, IDashboardReadModel queries, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(queries);
        var page = new MonitorPage("Drift", $"Drift of {name}",
            Html.Of($"Whether the applications the model sees now look like the data it was trained on. {Ui.Term("What is drift?", Terms.Drift)}"),
            DashboardLinks.Drift(name),
            Ui.Empty("No monitor checks this endpoint for drift.",
                Html.Of($"Create one: <code>./ferry monitor create {name}-drift --endpoint {name} --window 1d --schedule \"0 0 * * * ?\"</code>, and give the model version a reference (its training data): <code>./ferry models reference MODEL VERSION train.csv</code>.")));
        return await page.RenderAsync(context, name, monitor, spec => spec.Drift is not null, async chosen =>
        {
            var reports = ParsedReport.Parse(await queries.ReportsAsync(chosen.Name, ReportCount, cancellationToken)).Where(r => r.Body?.Drift is not null).ToList();
            return reports.Count == 0
                ? Ui.Empty($"Monitor {chosen.Name} has not judged drift yet.", Html.Of($"Run it now: <code>./ferry monitor run {chosen.Name}</code>. A run needs at least the monitor's minimum rows in its window, and the served version needs a reference."))
                : Render(chosen.Name, reports, EndpointView.SpecOf(chosen));
        }, clock, cancellationToken);
    }

    private static Html Render(string monitor, IReadOnlyList<ParsedReport> reports, MonitorSpec spec)
    {
        var latest = reports[^1];
        var body = latest.Body!;
        var drift = body.Drift!;
        var failed = body.Checks.Where(c => !c.Passed).OrderBy(c => c.Key, StringComparer.Ordinal).ToList();
        var verdict = failed.Count == 0
            ? Ui.Badge("All checks passed", Ui.Tone.Ok)
            : Ui.Badge($"{failed.Count} check(s) failed", Ui.Tone.Fail);
        var window = $"{DateTimeOffset.FromUnixTimeMilliseconds(latest.Report.WindowStart).UtcDateTime:yyyy-MM-dd HH:mm} – {latest.At.UtcDateTime:HH:mm} UTC";
        var summary = Html.Of($"""
            <p>{verdict} Latest run of monitor <code>{monitor}</code> over {window}: {body.Rows:N0} predictions, {drift.Features.DriftedColumns} of {drift.Features.Columns.Count} features drifted ({Ui.Percent(drift.Features.DriftShare, 0)}).</p>
            <p class="statistics">{DriftAccuracy.Summary(drift)}</p>
            """);
        var checks = failed.Count == 0 ? Html.Empty : Ui.Table("Failed checks and why",
            Html.Raw("<th scope=\"col\">Check</th><th scope=\"col\">What was found</th><th scope=\"col\" class=\"num\">Value</th><th scope=\"col\" class=\"num\">Limit</th>"),
            Html.Each(failed, c => Html.Of($"<tr><td><code>{c.Key}</code></td><td>{c.Message}</td><td class=\"num\">{MonitorEvaluator.Format(c.Value)}</td><td class=\"num\">{MonitorEvaluator.Format(c.Threshold)}</td></tr>")));

        var share = TimeSeriesChart.Render(new TimeSeriesChart.Spec("drift-share", "Share of features drifted, per run", "features drifted (%)",
            [new TimeSeriesChart.Series("Drifted features", [.. reports.Select(r => new TimeSeriesChart.Point(r.At, r.Body!.Drift!.Features.DriftShare))])])
        { YFormat = "0%", YMin = 0, YMax = 1, Threshold = new TimeSeriesChart.Threshold(spec.Drift?.DriftShare ?? 0.5, "dataset drift") });

        var columns = drift.Features.Columns.ToList();
        if (drift.Prediction is { } prediction)
        {
            columns.Insert(0, prediction);
        }

        var histograms = body.Histograms.ToDictionary(h => h.Column, StringComparer.Ordinal);
        var features = Html.Each(columns.OrderByDescending(c => c.Drifted).ThenByDescending(c => c.Score / Math.Max(c.Threshold, 1e-12)), column =>
            Feature(column, histograms.GetValueOrDefault(column.Column), reports));
        return Html.Of($"""
            {summary}
            {checks}
            <h2>Over time</h2>
            {share}
            <h2>Feature by feature</h2>
            <p class="lead">Each feature's distribution in the training data (grey) and in the latest window (blue), and its {Ui.Term("drift score", Terms.DriftScore)} in every run. Drifted features come first.</p>
            {features}
            """);
    }

    private static Html Feature(ColumnDriftResult column, ColumnHistogram? histogram, IReadOnlyList<ParsedReport> reports)
    {
        var id = ChartIds.Sanitize(column.Column);
        var method = MethodName(column.Method);
        var isPValue = column.PValue is not null;
        var points = reports.Select(r => new TimeSeriesChart.Point(r.At, ScoreIn(r.Body!, column.Column, isPValue))).ToList();
        var scoreText = isPValue ? $"p-value {column.PValue:0.####} (drifted below {column.Threshold:0.###})" : $"{column.Score:0.###} (limit {column.Threshold:0.###})";
        var badge = column.Skipped ? Ui.Badge("Not tested", Ui.Tone.None) : column.Drifted ? Ui.Badge("Drifted", Ui.Tone.Fail) : Ui.Badge("Stable", Ui.Tone.Ok);
        var series = TimeSeriesChart.Render(new TimeSeriesChart.Spec($"score-{id}", $"{column.Column}: {method} per run", isPValue ? "p-value" : method,
            [new TimeSeriesChart.Series(method, points)])
        { YMin = 0, Threshold = new TimeSeriesChart.Threshold(column.Threshold, isPValue ? "drifted below" : "limit") });
        var distribution = histogram is null ? Html.Empty : HistogramChart.Render($"hist-{id}", histogram, $"{column.Column}: training data vs latest window");
        return Html.Of($"""
            <section class="feature" aria-labelledby="feature-{id}">
            <h3 id="feature-{id}">{column.Column} {badge}</h3>
            <p>{Ui.Term(method, Terms.ForMethod(column.Method.ToString()))}: {scoreText}; {DriftAccuracy.Describe(column)}.</p>
            <div class="grid">{distribution}{series}</div>
            </section>
            """);
    }

    private static double? ScoreIn(Core.Monitoring.MonitorReportBody body, string column, bool pValue)
    {
        var result = body.Drift?.Prediction?.Column == column ? body.Drift.Prediction : body.Drift?.Features.Columns.FirstOrDefault(c => c.Column == column);
        return result is null || result.Skipped ? null : pValue ? result.PValue : result.Score;
    }

    private static string MethodName(DriftMethod method) => method switch
    {
        DriftMethod.KolmogorovSmirnov => "Kolmogorov–Smirnov",
        DriftMethod.ChiSquare => "chi-square",
        DriftMethod.ZTest => "two-proportion z-test",
        DriftMethod.Psi => "PSI",
        DriftMethod.JensenShannon => "Jensen–Shannon distance",
        DriftMethod.Wasserstein => "Wasserstein distance (std)",
        _ => method.ToString(),
    };
}
