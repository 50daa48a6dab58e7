using Ferry.Core.Dashboard;
using Ferry.Core.Monitoring;
using Ferry.Core.Serving;
using Ferry.Server.Dashboard.Charts;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>
/// An endpoint at a glance: traffic split, predictions, refused requests and latency per hour, and the business KPI
/// (an outcome's rate from ground truth, e.g. the default rate among approved loans), with health and open alerts.
/// </summary>
public static class EndpointPage
{
    /// <summary>Renders the page.</summary>
    public static Task<IResult> RenderAsync(HttpContext context, string name, int? hours, string? kpiOutcome, string? kpiAmong,
        IDashboardReadModel queries, IAlertStore monitoring, TimeProvider clock, CancellationToken cancellationToken) =>
        RenderAsync(context, name, hours, kpiOutcome, kpiAmong, queries, monitoring, clock, null, StatusCodes.Status200OK, cancellationToken);

    /// <summary>Renders the page with a refused suspension form's message (the form's own POST answers with it).</summary>
    public static Task<IResult> RenderWithErrorAsync(HttpContext context, string name, string error, int status)
    {
        ArgumentNullException.ThrowIfNull(context);
        var services = context.RequestServices;
        return RenderAsync(context, name, null, null, null, services.GetRequiredService<IDashboardReadModel>(), services.GetRequiredService<IAlertStore>(),
            services.GetRequiredService<TimeProvider>(), error, status, context.RequestAborted);
    }

    private static async Task<IResult> RenderAsync(HttpContext context, string name, int? hours, string? kpiOutcome, string? kpiAmong,
        IDashboardReadModel queries, IAlertStore monitoring, TimeProvider clock, string? suspensionError, int status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(monitoring);
        var view = await EndpointView.LoadAsync(name, hours, context.RequestServices, clock, cancellationToken);
        if (view is null || !await DashboardPermissions.MayReadAsync(context, view, cancellationToken))
        {
            return NotFoundPage.Render(context, $"No endpoint is named '{name}'.");
        }

        var from = view.From.ToUnixTimeMilliseconds();
        var to = view.To.ToUnixTimeMilliseconds();
        var served = await queries.ServedAsync(name, from, to, cancellationToken);
        var buckets = await queries.BucketsAsync(name, from, to, cancellationToken);
        var open = (await monitoring.ListAlertsAsync(AlertStatus.Open, null, 1000, cancellationToken)).Where(a => a.EndpointName == name).ToList();
        var health = EndpointHealth.Of(view.Monitors, open);
        var hourList = Hourly.Hours(view.From, view.To);
        var byHour = served.GroupBy(r => Hourly.HourOf(r.Timestamp)).ToDictionary(g => g.Key, g => g.Select(r => r.LatencyMicros / 1000.0).Order().ToList());
        var refusedByHour = RefusedByHour(buckets);
        var allLatencies = served.Select(r => r.LatencyMicros / 1000.0).Order().ToList();
        var refusedTotal = refusedByHour.Values.Sum();

        var cards = Html.Of($"""
            <div class="cards">
            {Ui.Card("Health", health.Badge(), health.Detail)}
            {Ui.Card("Predictions", Html.Text(Ui.Number(served.Count)), $"in the {view.WindowText}")}
            {Ui.Card("Refused requests", Html.Text(Ui.Number(refusedTotal)), "answered 400: a field missing, extra or of the wrong type")}
            {Ui.Card("Latency p95", Html.Text(Hourly.Quantile(allLatencies, 0.95) is { } p95 ? $"{p95:0.0} ms" : "–"), "server time per request; 1 in 20 is slower")}
            </div>
            """);

        var split = TrafficSplit(view);
        var predictions = TimeSeriesChart.Render(new TimeSeriesChart.Spec("requests", "Predictions per hour", "predictions per hour",
            [new TimeSeriesChart.Series("Predictions", [.. hourList.Select(h => new TimeSeriesChart.Point(h, byHour.TryGetValue(h, out var l) ? l.Count : 0))])])
        { YFormat = "N0", YMin = 0 });
        var errors = TimeSeriesChart.Render(new TimeSeriesChart.Spec("errors", "Refused requests per hour", "requests refused (400) per hour",
            [new TimeSeriesChart.Series("Refused requests", [.. hourList.Select(h => new TimeSeriesChart.Point(h, refusedByHour.GetValueOrDefault(h)))])])
        { YFormat = "N0", YMin = 0 });
        var latency = TimeSeriesChart.Render(new TimeSeriesChart.Spec("latency", "Latency per hour", "milliseconds",
        [
            new TimeSeriesChart.Series("p50 (median)", [.. hourList.Select(h => new TimeSeriesChart.Point(h, byHour.TryGetValue(h, out var l) ? Hourly.Quantile(l, 0.5) : null))]),
            new TimeSeriesChart.Series("p95", [.. hourList.Select(h => new TimeSeriesChart.Point(h, byHour.TryGetValue(h, out var l) ? Hourly.Quantile(l, 0.95) : null))]),
        ])
        { YFormat = "0.##", YMin = 0 });

        var kpi = await KpiSection.RenderAsync(view, kpiOutcome, kpiAmong, queries, cancellationToken);
        var overrides = await ReviewQueuePage.OverrideRates(name, context.RequestServices, clock, cancellationToken);
        var alerts = open.Count == 0
            ? Html.Of($"<p>{Ui.Badge("No open alert", Ui.Tone.Ok)} {(view.Monitors.Count == 0 ? Html.Of($"No monitor watches this endpoint yet: <code>./ferry monitor create NAME --endpoint {name}</code>.") : Html.Text($"{view.Monitors.Count} monitor(s) pass."))}</p>")
            : Html.Of($"<ul>{Html.Each(open, a => Html.Of($"<li>{Ui.Badge("Open", Ui.Tone.Fail)} <code>{a.CheckKey}</code>: {a.Message} <span class=\"hint\">(since {Ui.Time(a.OpenedAt)})</span></li>"))}</ul><p><a href=\"{DashboardLinks.Drift(name)}\">See the drift page</a> · <a href=\"{DashboardLinks.Alerts("open")}\">all open alerts</a></p>");

        var suspension = await SuspensionSection.RenderAsync(context, name, suspensionError, cancellationToken);
        var body = Html.Of($"""
            {view.Tabs("Overview")}
            {suspension}
            {cards}
            <h2>Traffic split</h2>
            {split}
            <h2>Open alerts</h2>
            {alerts}
            <h2>Override rate</h2>
            {overrides}
            <h2>Business outcome</h2>
            {kpi}
            <h2>Traffic, errors and latency</h2>
            {(served.Count == 0 ? Ui.Empty("No prediction in this window.", Html.Of($"Send records to <code>POST /api/v1/endpoints/{name}/predict</code> or <code>./ferry predict {name} --input rows.csv</code>.")) : Html.Of($"<div class=\"grid\">{predictions}{errors}{latency}</div>"))}
            """);
        return Layout.Page(context, status, Layout.Section.Models, $"Endpoint {name}",
            Html.Text($"Serves {(view.Model is null ? "no model yet" : $"{view.Model} v{view.Version}")}; charts cover the {view.WindowText}."),
            body, view.Crumbs(includeSelf: false));
    }

    private static Html TrafficSplit(EndpointView view)
    {
        var weighted = view.Routes.Where(r => r.Role == RouteRole.Weighted).ToList();
        var total = weighted.Sum(r => r.Weight);
        if (weighted.Count == 0 || total == 0)
        {
            return Ui.Empty("No route takes traffic.", Html.Of($"Deploy a version: <code>./ferry deploy {view.Name} --model MODEL --alias champion</code>."));
        }

        var items = weighted.Select(r => new ShareBars.Item(Target(r), r.Weight / (double)total)).ToList();
        var shadows = view.Routes.Where(r => r.Role == RouteRole.Shadow).ToList();
        var note = shadows.Count == 0 ? Html.Empty : Html.Of($"<p>Shadow (sees a copy of every request, answers only logged): {string.Join(", ", shadows.Select(Target))}.</p>");
        return Html.Join([ShareBars.Render("split", items, "Share of requests answered by each version"), note]);
    }

    private static string Target(TrafficRoute route) => route.Alias is { } alias ? $"{route.ModelName} @{alias}" : $"{route.ModelName} v{route.Version}";

    private static Dictionary<DateTimeOffset, double> RefusedByHour(IReadOnlyList<BucketProfile> buckets)
    {
        var refused = new Dictionary<DateTimeOffset, double>();
        foreach (var bucket in buckets)
        {
            if (bucket.Profile.RefusedRequests > 0)
            {
                var hour = Hourly.HourOf(bucket.BucketStart);
                refused[hour] = refused.GetValueOrDefault(hour) + bucket.Profile.RefusedRequests;
            }
        }

        return refused;
    }
}
