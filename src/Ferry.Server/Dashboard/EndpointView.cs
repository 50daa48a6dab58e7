using System.Text.Json;
using Ferry.Core.Contracts;
using Ferry.Core.Dashboard;
using Ferry.Core.Monitoring;
using Ferry.Core.Serving;
using Ferry.Server.Dashboard.Pages;
using Ferry.Server.Monitoring;
using Ferry.Server.Serving;

namespace Ferry.Server.Dashboard;

/// <summary>
/// What every endpoint page needs: the endpoint, the model version answering most of its traffic, that version's
/// decision rule (from its model card), the endpoint's monitors, and the time window shown: the <c>hours</c> hours
/// up to the latest prediction (rounded up to a whole hour), so a quiet endpoint still shows its last day of traffic.
/// </summary>
public sealed record EndpointView(
    ServingEndpoint Endpoint,
    IReadOnlyList<TrafficRoute> Routes,
    string? Model,
    int Version,
    ModelCardFields Card,
    IReadOnlyList<MonitorDefinition> Monitors,
    DateTimeOffset From,
    DateTimeOffset To)
{
    /// <summary>Most hours a page shows.</summary>
    public const int MaxHours = 24 * 31;

    /// <summary>The endpoint's name.</summary>
    public string Name => Endpoint.Name;

    /// <summary>Loads the view, or null when there is no such endpoint.</summary>
    public static async Task<EndpointView?> LoadAsync(string name, int? hours, IServiceProvider services, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(clock);
        var endpoints = services.GetRequiredService<IEndpointStore>();
        var endpoint = await endpoints.GetAsync(name, cancellationToken);
        if (endpoint is null)
        {
            return null;
        }

        var routes = InventoryPage.ActiveRoutes(endpoint);
        var queries = services.GetRequiredService<IDashboardReadModel>();
        var latest = await queries.LatestAsync(name, 1, cancellationToken);
        var end = latest.Count == 0 ? clock.GetUtcNow() : DateTimeOffset.FromUnixTimeMilliseconds(latest[0].Timestamp);
        var to = new DateTimeOffset(end.Year, end.Month, end.Day, end.Hour, 0, 0, TimeSpan.Zero).AddHours(1);
        var from = to.AddHours(-Math.Clamp(hours ?? 24, 1, MaxHours));

        string? model = latest.Count > 0 ? latest[0].ModelName : null;
        var version = latest.Count > 0 ? latest[0].ModelVersion : 0;
        // A suspended endpoint's fallback rows (version 0) name no version to describe: use the primary route's.
        if ((model is null || version == Ferry.Core.Oversight.SuspensionFallback.ModelVersion) && await services.GetRequiredService<PolicyCache>().GetAsync(name, cancellationToken) is { } policy)
        {
            var primary = policy.Routes.Where(r => r.Role == RouteRole.Weighted).OrderByDescending(r => r.Weight).FirstOrDefault();
            (model, version) = (primary?.ModelName, primary?.Version ?? 0);
        }

        var card = model is null ? new ModelCardFields() : await services.GetRequiredService<CardFieldsReader>().FieldsAsync(model, version, cancellationToken);
        var monitors = (await services.GetRequiredService<IMonitorStore>().ListMonitorsAsync(cancellationToken)).Where(m => m.EndpointName == name).ToList();
        return new EndpointView(endpoint, routes, model, version, card, monitors, from, to);
    }

    /// <summary>A monitor's spec.</summary>
    public static MonitorSpec SpecOf(MonitorDefinition monitor)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        return JsonSerializer.Deserialize(monitor.SpecJson, MonitoringJsonContext.Default.MonitorSpec) ?? new MonitorSpec();
    }

    /// <summary>The window in words.</summary>
    public string WindowText => $"{(To - From).TotalHours:0} hours to {To.UtcDateTime:yyyy-MM-dd HH:mm} UTC";

    /// <summary>What the positive decision is called ("refused"), or "positive".</summary>
    public string PositiveDecision => Card.PositiveDecision is { Length: > 0 } p ? p : "positive";

    /// <summary>What the negative decision is called ("approved"), or "negative".</summary>
    public string NegativeDecision => Card.NegativeDecision is { Length: > 0 } n ? n : "negative";

    /// <summary>
    /// Whether the card's decision rule takes the positive decision (e.g. refuses) at <paramref name="score"/>; null
    /// without a rule or a score.
    /// </summary>
    public bool? IsPositive(double? score) =>
        score is { } s && Card.DecisionThreshold is { } t ? s >= t : null;

    /// <summary>
    /// Whether a prediction with <paramref name="score"/> belongs to a population: "positive", "negative" or "all"
    /// (without a decision rule every prediction belongs to every population).
    /// </summary>
    public bool InPopulation(double? score, string population) =>
        population == "all" || Card.DecisionThreshold is null || IsPositive(score) == (population == "positive");

    /// <summary>The decision's badge for a score ("–" without a rule or a score).</summary>
    public Html DecisionBadge(double? score) => IsPositive(score) switch
    {
        true => Ui.Badge(PositiveDecision, Ui.Tone.Fail),
        false => Ui.Badge(NegativeDecision, Ui.Tone.Ok),
        null => Html.Text("–"),
    };

    /// <summary>The tabs shared by the endpoint pages.</summary>
    public Html Tabs(string current)
    {
        (string Text, string Href)[] tabs =
        [
            ("Overview", DashboardLinks.Endpoint(Name)),
            ("Drift", DashboardLinks.Drift(Name)),
            ("Performance", DashboardLinks.Performance(Name)),
            ("Decisions", DashboardLinks.Predictions(Name)),
            ("Reviews", DashboardLinks.Reviews(Name)),
            ("Loop", DashboardLinks.Loop(Name)),
        ];
        return Html.Of($"<nav aria-label=\"Endpoint pages\"><ul class=\"tabs\">{Html.Each(tabs, t => t.Text == current
            ? Html.Of($"<li><a href=\"{t.Href}\" aria-current=\"page\">{t.Text}</a></li>")
            : Html.Of($"<li><a href=\"{t.Href}\">{t.Text}</a></li>"))}</ul></nav>");
    }

    /// <summary>The breadcrumb trail to this endpoint's overview.</summary>
    public Crumb[] Crumbs(bool includeSelf) => includeSelf
        ? [new Crumb("Models", DashboardLinks.Home), new Crumb(Name, DashboardLinks.Endpoint(Name))]
        : [new Crumb("Models", DashboardLinks.Home)];

    /// <summary>Reads a prediction's <c>score</c> from its logged answer (null when it has none).</summary>
    public static double? ScoreOf(string outputsJson)
    {
        try
        {
            using var document = JsonDocument.Parse(outputsJson);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (root.TryGetProperty("score", out var score) && score.ValueKind == JsonValueKind.Number)
            {
                return score.GetDouble();
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
