using System.Globalization;
using System.Text.Json;
using Ferry.Core.Errors;
using Ferry.Core.Registry;
using Ferry.Core.Serving;
using Ferry.Core.Tracking;
using Ferry.Server.Dashboard.Charts;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>
/// One tracking run: its facts, params, metrics (latest values, and each metric's history by step as a chart with its
/// data table), tags, dataset inputs with digests, logged models, its artifacts, and the model versions registered from
/// it with the endpoints serving them. Needs READ on the run's experiment (a refused run answers 404).
/// </summary>
public static class RunPage
{
    /// <summary>Most metric histories drawn on one page.</summary>
    public const int MaxCharts = 24;

    /// <summary>Most points of one metric's history drawn (the first ones, by step).</summary>
    public const int MaxHistory = 1000;

    /// <summary>Renders the page.</summary>
    public static async Task<IResult> RenderAsync(HttpContext context, string runId, ITrackingStore tracking, ILoggedModelStore loggedModels, IRegistryStore registry, IEndpointStore endpoints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tracking);
        ArgumentNullException.ThrowIfNull(loggedModels);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(endpoints);
        var run = await FindAsync(context, tracking, runId, cancellationToken);
        if (run is null)
        {
            return NotFound(context, runId);
        }

        var experiment = await tracking.GetExperimentAsync(run.ExperimentId, cancellationToken);
        var sections = new List<Html>
        {
            Facts(run, experiment),
            Html.Raw("<h2 id=\"metrics\">Metrics</h2>"),
            await MetricsAsync(run, tracking, cancellationToken),
            Html.Raw("<h2 id=\"params\">Parameters</h2>"),
            Params(run),
            Html.Raw("<h2 id=\"versions\">Registered model versions</h2>"),
            await VersionsAsync(context, run, registry, endpoints, cancellationToken),
            Html.Raw("<h2 id=\"artifacts\">Artifacts</h2>"),
            await RunArtifacts.ListingAsync(context, run, string.Empty, cancellationToken),
            Html.Raw("<h2 id=\"inputs\">Inputs</h2>"),
            Inputs(run),
            Html.Raw("<h2 id=\"logged-models\">Logged models</h2>"),
            await LoggedModelsAsync(run, loggedModels, cancellationToken),
            Html.Raw("<h2 id=\"tags\">Tags</h2>"),
            Tags(run),
        };
        return Layout.Page(context, Layout.Section.Experiments, run.Name, Html.Text("What this run logged: metrics with their history, parameters, the model versions registered from it, its artifacts, inputs and tags."),
            Html.Join(sections), new Crumb("Experiments", DashboardLinks.Experiments), new Crumb(experiment.Name, DashboardLinks.Experiment(experiment.Id)));
    }

    /// <summary>The run, or null when there is none with that id or the signed-in person may not read its experiment.</summary>
    internal static async Task<Run?> FindAsync(HttpContext context, ITrackingStore tracking, string runId, CancellationToken cancellationToken)
    {
        Run run;
        try
        {
            run = await tracking.GetRunAsync(runId, cancellationToken);
        }
        catch (NotFoundException)
        {
            return null;
        }

        return await DashboardPermissions.MayReadExperimentAsync(context, run.ExperimentId, cancellationToken) ? run : null;
    }

    /// <summary>The dashboard's 404 for a run.</summary>
    internal static IResult NotFound(HttpContext context, string runId) =>
        Layout.Page(context, StatusCodes.Status404NotFound, Layout.Section.Experiments, "Not found", Html.Empty,
            Ui.Empty($"No run has the id '{runId}'.", Html.Of($"Go back to <a href=\"{DashboardLinks.Experiments}\">the experiments</a>.")), new Crumb("Experiments", DashboardLinks.Experiments));

    /// <summary>A metric's history (the first <see cref="MaxHistory"/> points by step) as chart points; x is the step, or the logging order when every point has the same step.</summary>
    internal static async Task<(List<XyPoint> Points, string XLabel, bool Cut)> HistoryAsync(ITrackingStore tracking, string runId, string key, CancellationToken cancellationToken)
    {
        var history = await tracking.GetMetricHistoryAsync(runId, key, MaxHistory, null, cancellationToken);
        var points = history.Items.Where(p => !p.IsNaN).ToList();
        var bySteps = points.Select(p => p.Step).Distinct().Count() > 1 || points.Count <= 1;
        return bySteps
            ? ([.. points.Select(p => new XyPoint(p.Step, p.Value))], "step", history.NextPageToken is not null)
            : ([.. points.OrderBy(p => p.Timestamp).Select((p, i) => new XyPoint(i + 1, p.Value))], "value number (logged in order)", history.NextPageToken is not null);
    }

    private static Html Facts(Run run, Experiment experiment)
    {
        var source = run.Tags.FirstOrDefault(t => t.Key == "mlflow.source.name")?.Value;
        var duration = run.EndTime is { } end ? TimeSpan.FromMilliseconds(end - run.StartTime) : (TimeSpan?)null;
        return Html.Of($"""
            <dl class="facts" id="run-facts">
            <dt>Run ID</dt><dd><code>{run.Id}</code></dd>
            <dt>Experiment</dt><dd><a href="{DashboardLinks.Experiment(experiment.Id)}">{experiment.Name}</a></dd>
            <dt>Status</dt><dd>{ExperimentsPage.Status(run.Status)}</dd>
            <dt>Started</dt><dd>{Ui.Time(run.StartTime)}</dd>
            <dt>Ended</dt><dd>{(run.EndTime is { } e ? Ui.Time(e) : Html.Text("not yet"))}</dd>
            <dt>Duration</dt><dd>{(duration is { } d ? Html.Text(Duration(d)) : Html.Text("–"))}</dd>
            <dt>User</dt><dd>{(run.UserId.Length == 0 ? "–" : run.UserId)}</dd>
            <dt>Source</dt><dd>{source ?? "–"}</dd>
            <dt>Lifecycle</dt><dd>{ExperimentsPage.Lifecycle(run.LifecycleStage)}</dd>
            <dt>Artifact URI</dt><dd><code>{run.ArtifactUri}</code></dd>
            </dl>
            """);
    }

    private static string Duration(TimeSpan d) =>
        d.TotalHours >= 1 ? d.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) + " h"
        : d.TotalMinutes >= 1 ? d.ToString(@"m\:ss", CultureInfo.InvariantCulture) + " min"
        : d.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";

    private static async Task<Html> MetricsAsync(Run run, ITrackingStore tracking, CancellationToken cancellationToken)
    {
        if (run.LatestMetrics.Count == 0)
        {
            return Ui.Empty("This run logged no metric.", Html.Raw("Log one: <code>mlflow.log_metric(\"auc\", 0.8, step=1)</code>."));
        }

        var metrics = run.LatestMetrics.OrderBy(m => m.Key, StringComparer.Ordinal).ToList();
        var table = Ui.Table("Latest value of each metric",
            Html.Raw("<th scope=\"col\">Metric</th><th scope=\"col\" class=\"num\">Latest value</th><th scope=\"col\" class=\"num\">Step</th><th scope=\"col\">Logged</th><th scope=\"col\">History</th>"),
            Html.Each(metrics.Select((m, i) => (m, i)), x => Html.Of($"""
                <tr data-metric="{x.m.Key}"><th scope="row">{x.m.Key}</th><td class="num">{RunColumn.Number(x.m.ActualValue)}</td><td class="num">{x.m.Step}</td><td>{Ui.Time(x.m.Timestamp)}</td>
                <td>{(x.i < MaxCharts ? Html.Of($"<a href=\"#{ChartId(x.i)}\">Chart<span class=\"visually-hidden\"> of {x.m.Key}</span></a>") : Html.Text("–"))}</td></tr>
                """)));
        var charts = new List<Html>();
        foreach (var (metric, i) in metrics.Take(MaxCharts).Select((m, i) => (m, i)))
        {
            var (points, xLabel, cut) = await HistoryAsync(tracking, run.Id, metric.Key, cancellationToken);
            var caption = cut ? $"{metric.Key}: the first {MaxHistory:N0} values" : $"{metric.Key} by {xLabel}";
            charts.Add(StepChart.Render(ChartId(i), caption, xLabel, metric.Key, [new StepChart.Series(metric.Key, points)]));
        }

        var more = metrics.Count > MaxCharts ? Html.Of($"<p class=\"hint\">Charts show the first {MaxCharts} metrics by name.</p>") : Html.Empty;
        return Html.Join([table, Html.Of($"<div class=\"grid charts\">{Html.Join(charts)}</div>"), more]);
    }

    private static string ChartId(int index) => $"metric-{index.ToString(CultureInfo.InvariantCulture)}";

    private static Html Params(Run run) =>
        run.Params.Count == 0
            ? Ui.Empty("This run logged no parameter.", Html.Raw("Log one: <code>mlflow.log_param(\"max_depth\", 6)</code>."))
            : Ui.Table("Parameters", Html.Raw("<th scope=\"col\">Parameter</th><th scope=\"col\">Value</th>"),
                Html.Each(run.Params.OrderBy(p => p.Key, StringComparer.Ordinal), p => Html.Of($"<tr data-param=\"{p.Key}\"><th scope=\"row\">{p.Key}</th><td><code>{p.Value}</code></td></tr>")));

    private static Html Tags(Run run) =>
        run.Tags.Count == 0
            ? Ui.Empty("This run has no tag.", Html.Raw("Set one: <code>mlflow.set_tag(\"team\", \"risk\")</code>."))
            : Ui.Table("Tags", Html.Raw("<th scope=\"col\">Tag</th><th scope=\"col\">Value</th>"),
                Html.Each(run.Tags.OrderBy(t => t.Key, StringComparer.Ordinal), t => Html.Of($"<tr data-tag=\"{t.Key}\"><th scope=\"row\">{t.Key}</th><td class=\"tag-value\">{ChartFormat.Truncate(t.Value, 500)}</td></tr>")));

    private static Html Inputs(Run run) =>
        run.DatasetInputs.Count == 0
            ? Ui.Empty("This run logged no dataset.", Html.Raw("Log one: <code>mlflow.log_input(mlflow.data.from_pandas(df, name=\"loans\"), context=\"training\")</code>."))
            : Ui.Table("Datasets the run consumed", Html.Raw("<th scope=\"col\">Dataset</th><th scope=\"col\">Digest</th><th scope=\"col\">Context</th><th scope=\"col\">Source type</th><th scope=\"col\">Source</th>"),
                Html.Each(run.DatasetInputs, d => Html.Of($"""
                    <tr data-dataset="{d.Name}"><th scope="row">{d.Name}</th><td><code class="digest">{d.Digest}</code></td><td>{Context(d.TagsJson) ?? "–"}</td><td>{(d.SourceType.Length == 0 ? "–" : d.SourceType)}</td><td>{(d.Source.Length == 0 ? "–" : ChartFormat.Truncate(d.Source, 200))}</td></tr>
                    """)));

    private static string? Context(string tagsJson)
    {
        try
        {
            using var tags = JsonDocument.Parse(tagsJson);
            return tags.RootElement.ValueKind == JsonValueKind.Object && tags.RootElement.TryGetProperty("mlflow.data.context", out var context) && context.ValueKind == JsonValueKind.String
                ? context.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<Html> LoggedModelsAsync(Run run, ILoggedModelStore store, CancellationToken cancellationToken)
    {
        var links = await store.GetRunLinksAsync([run.Id], cancellationToken);
        if (links.Count == 0)
        {
            return Ui.Empty("This run logged no model.", Html.Raw("Log one: <code>mlflow.onnx.log_model(onx, name=\"model\")</code>."));
        }

        var rows = new List<Html>(links.Count);
        foreach (var link in links.OrderBy(l => l.Direction, StringComparer.Ordinal).ThenBy(l => l.Step))
        {
            LoggedModel? model;
            try
            {
                model = await store.GetAsync(link.ModelId, allowDeleted: true, cancellationToken);
            }
            catch (NotFoundException)
            {
                model = null;
            }

            rows.Add(Html.Of($"""
                <tr data-logged-model="{link.ModelId}"><th scope="row">{model?.Name ?? "–"}</th><td><code>{link.ModelId}</code></td><td>{(link.Direction == RunModelDirection.Output ? "produced" : "used")}</td>
                <td class="num">{link.Step}</td><td>{(model is null ? "–" : model.Status.Replace("LOGGED_MODEL_", string.Empty, StringComparison.Ordinal).ToLowerInvariant())}</td><td>{(model is null || model.ModelType.Length == 0 ? "–" : model.ModelType)}</td></tr>
                """));
        }

        return Ui.Table("Logged models", Html.Raw("<th scope=\"col\">Name</th><th scope=\"col\">Model ID</th><th scope=\"col\">Direction</th><th scope=\"col\" class=\"num\">Step</th><th scope=\"col\">Status</th><th scope=\"col\">Type</th>"), Html.Join(rows));
    }

    private static async Task<Html> VersionsAsync(HttpContext context, Run run, IRegistryStore registry, IEndpointStore endpoints, CancellationToken cancellationToken)
    {
        var found = await registry.SearchVersionsAsync(new RegistrySearch($"run_id = '{ExperimentsPage.Quote(run.Id)}'", [], 200, null), cancellationToken);
        var readable = await DashboardPermissions.ReadableModelsAsync(context, found.Items.Select(v => v.ModelName), cancellationToken);
        var versions = found.Items.Where(v => readable.Contains(v.ModelName) && !v.Version.IsDeleted).OrderBy(v => v.ModelName, StringComparer.Ordinal).ThenBy(v => v.Version.Version).ToList();
        if (versions.Count == 0)
        {
            return Ui.Empty("No model version was registered from this run.",
                Html.Of($"Register one: <code>mlflow.register_model(\"runs:/{run.Id}/model\", \"credit\")</code>."));
        }

        var served = await DashboardPermissions.ReadableEndpointsAsync(context, await endpoints.ListAsync(cancellationToken), cancellationToken);
        return Ui.Table("Model versions registered from this run",
            Html.Raw("<th scope=\"col\">Model</th><th scope=\"col\">Version</th><th scope=\"col\">Aliases</th><th scope=\"col\">Stage</th><th scope=\"col\">Served by</th><th scope=\"col\">Registered</th>"),
            Html.Each(versions, v =>
            {
                var where = ServedBy(served, v);
                return Html.Of($"""
                    <tr data-version="{v.ModelName}/{v.Version.Version}"><th scope="row"><a href="{DashboardLinks.Model(v.ModelName)}">{v.ModelName}</a></th>
                    <td><a href="{DashboardLinks.Card(v.ModelName, v.Version.Version)}">v{v.Version.Version}<span class="visually-hidden"> model card</span></a></td>
                    <td>{(v.Aliases.Count == 0 ? Html.Text("–") : Html.Each(v.Aliases, a => Html.Of($"<code>{a}</code> ")))}</td><td>{v.Version.CurrentStage}</td>
                    <td>{(where.Count == 0 ? Html.Text("not served") : Html.Each(where, e => Html.Of($"<a href=\"{DashboardLinks.Endpoint(e.Name)}\" class=\"served-by\">{e.Name}</a> ")))}</td>
                    <td>{Ui.Time(v.Version.CreationTimestamp)}</td></tr>
                    """);
            }));
    }

    private static List<ServingEndpoint> ServedBy(IEnumerable<ServingEndpoint> endpoints, RegistryVersion version) =>
        [.. endpoints.Where(e => InventoryPage.ActiveRoutes(e).Any(r => r.ModelName == version.ModelName
            && (r.Version == version.Version.Version || (r.Alias is { } alias && version.Aliases.Contains(alias)))))];
}
