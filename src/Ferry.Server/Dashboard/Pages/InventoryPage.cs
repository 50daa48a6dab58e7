using Ferry.Core.Monitoring;
using Ferry.Core.Registry;
using Ferry.Core.Serving;
using Ferry.Core.Tracking;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>The home page: every registered model the signed-in person may read, with its owner, versions, aliases, endpoints and health.</summary>
public static class InventoryPage
{
    /// <summary>Renders the page.</summary>
    public static async Task<IResult> RenderAsync(HttpContext context, IRegistryStore registry, IEndpointStore endpoints, IMonitorStore monitoring, IAlertStore alerts, CardFieldsReader owners, ITrackingStore tracking, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(tracking);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(monitoring);
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentNullException.ThrowIfNull(owners);
        // Only what the signed-in person may read: models by their grants, endpoints whose every served model is readable.
        var all = await registry.ListModelsAsync(cancellationToken);
        var readable = await DashboardPermissions.ReadableModelsAsync(context, all.Select(m => m.Name), cancellationToken);
        var models = all.Where(m => readable.Contains(m.Name)).ToList();
        var served = await DashboardPermissions.ReadableEndpointsAsync(context, await endpoints.ListAsync(cancellationToken), cancellationToken);
        var shown = served.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        var monitors = await monitoring.ListMonitorsAsync(cancellationToken);
        var open = (await alerts.ListAlertsAsync(AlertStatus.Open, null, 1000, cancellationToken)).Where(a => shown.Contains(a.EndpointName)).ToList();
        var health = served.ToDictionary(e => e.Name, e => EndpointHealth.Of(
            [.. monitors.Where(m => m.EndpointName == e.Name)], [.. open.Where(a => a.EndpointName == e.Name)]), StringComparer.Ordinal);

        var body = models.Count == 0
            ? Ui.Empty("No model is registered yet.", Html.Of($"Run <code>./ferry quickstart</code> for a complete example, or register one: <code>./ferry models register model.onnx --name NAME</code> (or <code>mlflow.register_model</code> from a notebook)."))
            : Ui.Table("Registered models",
                Html.Raw("<th scope=\"col\">Model</th><th scope=\"col\">Owner</th><th scope=\"col\" class=\"num\">Versions</th><th scope=\"col\">Aliases</th><th scope=\"col\">Served by</th><th scope=\"col\">Health</th>"),
                Html.Join(await RowsAsync(models, served, health, owners, cancellationToken)));

        var endpointTable = served.Count == 0
            ? Ui.Empty("No endpoint serves a model yet.", Html.Of($"Deploy one: <code>./ferry deploy NAME --model MODEL --alias champion</code>."))
            : Ui.Table("Endpoints",
                Html.Raw("<th scope=\"col\">Endpoint</th><th scope=\"col\">Traffic</th><th scope=\"col\">Health</th>"),
                Html.Each(served, e => Html.Of($"<tr><th scope=\"row\"><a href=\"{DashboardLinks.Endpoint(e.Name)}\">{e.Name}</a></th><td>{Routes(e)}</td><td>{health[e.Name].Badge()}</td></tr>")));

        var summary = Html.Of($"""
            <div class="cards">
            {Ui.Card("Models", Html.Text(Ui.Number(models.Count)), "registered")}
            {Ui.Card("Endpoints", Html.Text(Ui.Number(served.Count)), "serving traffic")}
            {Ui.Card("Open alerts", Html.Of($"<a href=\"{DashboardLinks.Alerts("open")}\">{Ui.Number(open.Count)}</a>"), open.Count == 0 ? "nothing needs attention" : "checks failing now")}
            </div>
            """);
        // A new installation (no endpoint, no run yet) first says what to do.
        var start = served.Count == 0 && !await AnyRunAsync(tracking, cancellationToken) ? StartHere(context) : Html.Empty;
        return Layout.Page(context, Layout.Section.Models, "Models", Html.Text("Every registered model, who owns it, where it is served and whether its monitors are passing."),
            Html.Join([start, summary, Html.Raw("<h2>Models</h2>"), body, Html.Raw("<h2>Endpoints</h2>"), endpointTable]));
    }

    /// <summary>Whether any experiment holds a run (deleted ones included: someone has used tracking).</summary>
    private static async Task<bool> AnyRunAsync(ITrackingStore tracking, CancellationToken cancellationToken)
    {
        var experiments = await tracking.SearchExperimentsAsync(new ExperimentSearchQuery(null, ViewType.All, 1000, [], null), cancellationToken);
        if (experiments.Items.Count == 0)
        {
            return false;
        }

        var runs = await tracking.SearchRunsAsync(new RunSearchQuery([.. experiments.Items.Select(e => e.Id)], null, ViewType.All, 1, [], null), cancellationToken);
        return runs.Items.Count > 0;
    }

    /// <summary>The first steps: log a run from a notebook, ship a model file, or run the quickstart.</summary>
    private static Html StartHere(HttpContext context)
    {
        var server = $"{context.Request.Scheme}://{context.Request.Host}";
        return Html.Of($$"""
            <section class="start" aria-labelledby="start-here">
            <h2 id="start-here">Start here</h2>
            <p>Nothing is served or tracked yet. Pick one of three ways in:</p>
            <ol>
            <li><strong>Log a run</strong> from a notebook or script with MLflow, pointed at this server:
            <pre class="log"><code>export MLFLOW_TRACKING_URI={{server}}
            export MLFLOW_TRACKING_TOKEN=&lt;your token&gt;
            python -c "import mlflow; mlflow.start_run(); mlflow.log_metric('auc', 0.81)"</code></pre></li>
            <li><strong>Ship a model</strong>: register, reference, deploy and monitor an ONNX file in one command:
            <pre class="log"><code>./ferry ship model.onnx --name credit --reference train.csv --label default --tier low</code></pre></li>
            <li><strong>Run the quickstart</strong>: a trained, deployed and monitored credit-risk model with a day of traffic:
            <pre class="log"><code>./ferry quickstart</code></pre></li>
            </ol>
            </section>
            """);
    }

    private static async Task<List<Html>> RowsAsync(List<RegisteredModel> models, List<ServingEndpoint> served, Dictionary<string, EndpointHealth> health, CardFieldsReader owners, CancellationToken cancellationToken)
    {
        var rows = new List<Html>(models.Count);
        foreach (var model in models)
        {
            var versions = model.Versions.Where(v => !v.IsDeleted).ToList();
            var owner = await owners.OwnerAsync(model.Name, versions.Select(v => v.Version).DefaultIfEmpty(0).Max(), cancellationToken);
            var aliases = model.Aliases.Count == 0 ? Html.Text("–") : Html.Each(model.Aliases.OrderBy(a => a.Alias, StringComparer.Ordinal), a => Html.Of($"<code>{a.Alias}</code> → v{a.Version} "));
            var endpoints = served.Where(e => ActiveRoutes(e).Any(r => r.ModelName == model.Name)).ToList();
            var servedBy = endpoints.Count == 0 ? Html.Text("not deployed") : Html.Each(endpoints, e => Html.Of($"<a href=\"{DashboardLinks.Endpoint(e.Name)}\">{e.Name}</a> "));
            var badge = endpoints.Count == 0 ? Ui.Badge("Not deployed", Ui.Tone.None) : Html.Each(endpoints, e => health[e.Name].Badge());
            rows.Add(Html.Of($"<tr><th scope=\"row\"><a href=\"{DashboardLinks.Model(model.Name)}\">{model.Name}</a></th><td>{owner ?? "–"}</td><td class=\"num\">{versions.Count}</td><td>{aliases}</td><td>{servedBy}</td><td>{badge}</td></tr>"));
        }

        return rows;
    }

    /// <summary>The routes of an endpoint's active traffic policy.</summary>
    public static IReadOnlyList<TrafficRoute> ActiveRoutes(ServingEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.Policies.FirstOrDefault(p => p.Revision == endpoint.ActiveRevision)?.Routes ?? [];
    }

    private static Html Routes(ServingEndpoint endpoint)
    {
        var routes = ActiveRoutes(endpoint);
        var total = routes.Where(r => r.Role == RouteRole.Weighted).Sum(r => r.Weight);
        return Html.Each(routes, r =>
        {
            var target = r.Alias is { } alias ? $"{r.ModelName}@{alias}" : $"{r.ModelName} v{r.Version}";
            var share = r.Role == RouteRole.Shadow ? "shadow" : total == 0 ? "0 %" : Ui.Percent(r.Weight / (double)total, 0);
            return Html.Of($"<span>{target} ({share})</span> ");
        });
    }
}
