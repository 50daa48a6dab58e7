using System.Security.Claims;
using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Core.Monitoring;
using Ferry.Server.Identity;
using Ferry.Server.Monitoring;

namespace Ferry.Server.Endpoints.Monitoring;

/// <summary>
/// Alerts (<c>GET /api/v1/alerts</c>, viewer), the webhooks they are posted to (list: scientist; add and remove:
/// admin, since a webhook URL can carry a secret) and every delivery attempt (scientist).
/// </summary>
public static class AlertsApi
{
    /// <summary>Maps the alert and webhook routes.</summary>
    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/alerts", ListAlertsAsync).WithTags("Monitoring").RequireAuthorization(FerryPolicies.Viewer)
            .WithName("ListAlerts").WithSummary("Alerts, newest first: ?status=open|resolved, ?monitor=, ?limit= (default 100).");
        var webhooks = routes.MapGroup("/api/v1/webhooks").WithTags("Monitoring").RequireAuthorization(FerryPolicies.Scientist);
        webhooks.MapGet("", ListWebhooksAsync).WithName("ListWebhooks");
        webhooks.MapPost("", AddWebhookAsync).RequireAuthorization(FerryPolicies.Admin).WithName("AddWebhook")
            .WithSummary("Adds a webhook every alert event is posted to: {\"name\", \"url\"}.");
        webhooks.MapDelete("/{name}", RemoveWebhookAsync).RequireAuthorization(FerryPolicies.Admin).WithName("RemoveWebhook");
        webhooks.MapGet("/deliveries", ListDeliveriesAsync).WithName("ListWebhookDeliveries")
            .WithSummary("Every delivery attempt, newest first: ?alert=, ?limit= (default 100).");
        return routes;
    }

    /// <summary>Alerts.</summary>
    public static async Task<IResult> ListAlertsAsync(string? status, string? monitor, int? limit, IAlertStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (status is not null and not AlertStatus.Open and not AlertStatus.Resolved)
        {
            throw new ValidationException("status", "must be open or resolved");
        }

        var alerts = await store.ListAlertsAsync(status, monitor, limit ?? 100, cancellationToken);
        return TypedResults.Json(new AlertListView([.. alerts.Select(AlertView.From)]), MonitoringJsonContext.Default.AlertListView);
    }

    /// <summary>Webhooks.</summary>
    public static async Task<IResult> ListWebhooksAsync(IWebhookStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var webhooks = await store.ListWebhooksAsync(cancellationToken);
        return TypedResults.Json(new WebhookListView([.. webhooks.Select(View)]), MonitoringJsonContext.Default.WebhookListView);
    }

    /// <summary>Adds a webhook.</summary>
    public static async Task<IResult> AddWebhookAsync(HttpRequest request, IWebhookStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(store);
        var body = await RequestJson.DeserializeAsync(request, MonitoringJsonContext.Default.WebhookBody, cancellationToken);

        MonitorNames.Check(body?.Name ?? string.Empty);
        if (!Uri.TryCreate(body!.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ValidationException("url", "must be an absolute http or https URL");
        }

        var webhook = await store.AddWebhookAsync(body.Name!, url, user.ActorName(), cancellationToken);
        return TypedResults.Json(View(webhook), MonitoringJsonContext.Default.WebhookView, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>Removes a webhook.</summary>
    public static async Task<IResult> RemoveWebhookAsync(string name, IWebhookStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        await store.RemoveWebhookAsync(name, user.ActorName(), cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Delivery attempts.</summary>
    public static async Task<IResult> ListDeliveriesAsync(Guid? alert, int? limit, IWebhookStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var deliveries = await store.ListDeliveriesAsync(alert, limit ?? 100, cancellationToken);
        return TypedResults.Json(new DeliveryListView([.. deliveries.Select(d => new DeliveryView(d.AlertId, d.WebhookName, d.Event, d.Attempt, AlertView.Iso(d.At), d.Succeeded, d.StatusCode, d.Error))]),
            MonitoringJsonContext.Default.DeliveryListView);
    }

    private static WebhookView View(AlertWebhook webhook) =>
        new(webhook.Name, Redacted(webhook.Url), webhook.CreatedBy, AlertView.Iso(webhook.CreatedAt));

    /// <summary>Scheme, host and port of a URL: its path and query may hold a secret.</summary>
    public static string Redacted(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority}/…" : "…";
}
