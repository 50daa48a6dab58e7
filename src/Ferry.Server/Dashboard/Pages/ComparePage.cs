using Ferry.Core.Tracking;
using Ferry.Server.Dashboard.Charts;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>
/// Two to ten runs of one experiment side by side: params (rows whose values differ are marked, in words as well as
/// colour), latest metrics, one chosen metric's histories overlaid in one chart (a series per run), and a scatter of
/// that metric against one chosen param across the runs.
/// </summary>
public static class ComparePage
{
    /// <summary>Fewest runs compared.</summary>
    public const int MinRuns = 2;

    /// <summary>Most runs compared.</summary>
    public const int MaxRuns = 10;

    /// <summary>Renders the page for <c>?runs=a,b,c</c> (or repeated <c>runs</c>), with optional <c>metric</c> and <c>param</c>.</summary>
    public static async Task<IResult> RenderAsync(HttpContext context, long id, string? metric, string? param, ITrackingStore tracking, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(tracking);
        var experiment = await ExperimentsPage.FindAsync(context, tracking, id, cancellationToken);
        if (experiment is null)
        {
            return ExperimentsPage.NotFound(context, id);
        }

        var crumbs = new[] { new Crumb("Experiments", DashboardLinks.Experiments), new Crumb(experiment.Name, DashboardLinks.Experiment(id)) };
        var ids = context.Request.Query["runs"].SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count is < MinRuns or > MaxRuns)
        {
            return Layout.Page(context, StatusCodes.Status400BadRequest, Layout.Section.Experiments, "Compare runs", Html.Empty,
                Html.Of($"<div class=\"error\" role=\"alert\" id=\"compare-error\"><p><strong>Pick {MinRuns} to {MaxRuns} runs to compare; {ids.Count} were picked.</strong></p><p>Go back to <a href=\"{DashboardLinks.Experiment(id)}\">the runs</a> and tick them.</p></div>"), crumbs);
        }

        var runs = new List<Run>(ids.Count);
        foreach (var runId in ids)
        {
            var run = await RunPage.FindAsync(context, tracking, runId, cancellationToken);
            if (run is null || run.ExperimentId != id)
            {
                return Layout.Page(context, StatusCodes.Status404NotFound, Layout.Section.Experiments, "Not found", Html.Empty,
                    Ui.Empty($"Experiment {experiment.Name} has no run '{runId}'.", Html.Of($"Go back to <a href=\"{DashboardLinks.Experiment(id)}\">the runs</a>.")), crumbs);
            }

            runs.Add(run);
        }

        var names = Labels(runs);
        var metricKeys = runs.SelectMany(r => r.LatestMetrics.Select(m => m.Key)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var paramKeys = runs.SelectMany(r => r.Params.Select(p => p.Key)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var chosenMetric = metric is not null && metricKeys.Contains(metric) ? metric
            : metricKeys.FirstOrDefault(k => runs.All(r => r.LatestMetrics.Any(m => m.Key == k))) ?? (metricKeys.Count > 0 ? metricKeys[0] : null);
        var chosenParam = param is not null && paramKeys.Contains(param) ? param
            : paramKeys.FirstOrDefault(k => Differs(runs.Select(r => ParamOf(r, k)))) ?? (paramKeys.Count > 0 ? paramKeys[0] : null);

        var head = Html.Join([Html.Raw("<th scope=\"col\">Key</th>"), Html.Each(runs.Select((r, i) => (r, i)), x => Html.Of($"<th scope=\"col\"><a href=\"{DashboardLinks.Run(x.r.Id)}\">{names[x.i]}</a></th>"))]);
        var paramsTable = paramKeys.Count == 0
            ? Ui.Empty("None of these runs logged a parameter.", Html.Empty)
            : Ui.Table("Parameters (rows marked “differs” have different values)", head, Html.Each(paramKeys, k => Row("param", k, runs.Select(r => ParamOf(r, k)).ToList(), false)));
        var metricsTable = metricKeys.Count == 0
            ? Ui.Empty("None of these runs logged a metric.", Html.Empty)
            : Ui.Table("Latest metric values", head, Html.Each(metricKeys, k => Row("metric", k, runs.Select(r => r.LatestMetrics.FirstOrDefault(m => m.Key == k) is { } m ? RunColumn.Number(m.ActualValue) : null).ToList(), true)));

        var charts = new List<Html>();
        if (chosenMetric is not null)
        {
            var series = new List<StepChart.Series>(runs.Count);
            var xLabel = "step";
            for (var i = 0; i < runs.Count; i++)
            {
                var (points, label, _) = await RunPage.HistoryAsync(tracking, runs[i].Id, chosenMetric, cancellationToken);
                xLabel = label;
                series.Add(new StepChart.Series(names[i], points));
            }

            charts.Add(StepChart.Render("overlay", $"{chosenMetric} by {xLabel}, one line per run", xLabel, chosenMetric, series));
            if (chosenParam is not null)
            {
                charts.Add(ScatterChart.Render("scatter", $"{chosenMetric} (latest) against {chosenParam}", $"params.{chosenParam}", chosenMetric,
                    [.. runs.Select((r, i) => new ScatterChart.Item(names[i], ParamOf(r, chosenParam), r.LatestMetrics.FirstOrDefault(m => m.Key == chosenMetric)?.ActualValue))]));
            }
        }

        var form = Html.Of($"""
            <form class="filters" method="get" action="/ui/experiments/{id}/compare">
            <input type="hidden" name="runs" value="{string.Join(',', runs.Select(r => r.Id))}">
            <label for="compare-metric">Metric<select id="compare-metric" name="metric">{Html.Each(metricKeys, k => Option(k, k == chosenMetric))}</select></label>
            <label for="compare-param">Parameter (scatter)<select id="compare-param" name="param">{Html.Each(paramKeys, k => Option(k, k == chosenParam))}</select></label>
            <button type="submit">Show</button>
            </form>
            """);
        var chartSection = chosenMetric is null
            ? Ui.Empty("No metric to chart.", Html.Text("These runs logged no metric."))
            : Html.Join([form, Html.Of($"<div class=\"grid charts\">{Html.Join(charts)}</div>")]);
        return Layout.Page(context, Layout.Section.Experiments, $"Compare {runs.Count} runs",
            Html.Text("Parameters and metrics side by side, the chosen metric's histories overlaid, and that metric against a parameter."),
            Html.Join([Html.Raw("<h2 id=\"compare-params\">Parameters</h2>"), paramsTable, Html.Raw("<h2 id=\"compare-metrics\">Metrics</h2>"), metricsTable,
                Html.Raw("<h2 id=\"compare-charts\">Charts</h2>"), chartSection]), crumbs);
    }

    /// <summary>Run names for headings and legends, made unique with the start of the id where names repeat.</summary>
    private static List<string> Labels(IReadOnlyList<Run> runs)
    {
        var repeated = runs.GroupBy(r => r.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        return [.. runs.Select(r => repeated.Contains(r.Name) ? $"{r.Name} ({r.Id[..Math.Min(7, r.Id.Length)]})" : r.Name)];
    }

    private static string? ParamOf(Run run, string key) => run.Params.FirstOrDefault(p => p.Key == key)?.Value;

    private static bool Differs(IEnumerable<string?> values) => values.Distinct(StringComparer.Ordinal).Skip(1).Any();

    private static Html Row(string kind, string key, IReadOnlyList<string?> values, bool numeric)
    {
        var differs = Differs(values);
        return Html.Of($"""
            <tr data-{kind}="{key}"{(differs ? Html.Raw(" class=\"differs\"") : Html.Empty)}><th scope="row">{key}{(differs ? Html.Raw(" <span class=\"badge warn\">differs</span>") : Html.Empty)}</th>{Html.Each(values, v => Html.Of($"<td{(numeric ? Html.Raw(" class=\"num\"") : Html.Empty)}>{v ?? "–"}</td>"))}</tr>
            """);
    }

    private static Html Option(string value, bool selected) =>
        Html.Of($"<option value=\"{value}\"{(selected ? Html.Raw(" selected") : Html.Empty)}>{value}</option>");
}
