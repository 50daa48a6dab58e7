using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ferry.Core.Errors;
using Ferry.Core.Governance;
using Ferry.Server.Governance.Webhooks;
using Ferry.Server.Identity;

namespace Ferry.Server.Endpoints.Governance;

/// <summary>
/// Ferry's registry and promotion webhooks (<c>/api/v1/governance/webhooks</c>, admin): the registry events MLflow names
/// plus <c>model_version.stage_changed</c> and <c>promotion.*</c>, signed as MLflow signs. (<c>/api/v1/webhooks</c> is
/// the monitoring alerts' webhooks.) A secret is generated when none is given and answered once, at creation.
/// </summary>
public static class WebhooksApi
{
    private static GovernanceWebhooksJsonContext Json => GovernanceWebhooksJsonContext.Default;

    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapGovernanceWebhooksApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/governance/webhooks").WithTags("Governance").RequireAuthorization(FerryPolicies.Admin);
        group.MapPost("", CreateAsync).WithName("CreateRegistryWebhook")
            .WithSummary("Adds a webhook: {\"name\", \"url\", \"events\": [\"promotion.approved\", ...], \"description\"?, \"secret\"?}; the secret, generated when absent, is answered only here.");
        group.MapGet("", ListAsync).WithName("ListRegistryWebhooks").WithSummary("Every registry webhook, newest first (both APIs').");
        group.MapGet("/{id}", GetAsync).WithName("GetRegistryWebhook");
        group.MapDelete("/{id}", DeleteAsync).WithName("DeleteRegistryWebhook");
        group.MapGet("/{id}/deliveries", DeliveriesAsync).WithName("ListRegistryWebhookDeliveries")
            .WithSummary("Its deliveries, newest first, with every attempt: ?limit= (default 100).");
        group.MapPost("/{id}/test", TestAsync).WithName("TestRegistryWebhook")
            .WithSummary("Posts an example of ?event= (default: its first event), signed, and answers what the receiver said.");
        return routes;
    }

    /// <summary>Adds a webhook.</summary>
    public static async Task<IResult> CreateAsync(HttpRequest request, IRegistryWebhookStore store, WebhookSecrets secrets, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(secrets);
        var body = await RequestJson.DeserializeAsync(request, Json.RegistryWebhookBody, cancellationToken) ?? new RegistryWebhookBody();
        if (RegistryWebhookRules.CheckName(body.Name) is { } badName)
        {
            throw new ValidationException("name", badName);
        }

        if (RegistryWebhookRules.CheckUrl(body.Url) is { } badUrl)
        {
            throw new ValidationException("url", badUrl);
        }

        if (body.Events is null or { Count: 0 })
        {
            throw new ValidationException("events", "name at least one event");
        }

        if (body.Events.FirstOrDefault(e => !RegistryWebhookEvents.IsFerryEvent(e)) is { } unknown)
        {
            throw new ValidationException("events", $"'{unknown}' is not an event Ferry raises; use one of "
                + string.Join(", ", RegistryWebhookEvents.Mlflow.Concat(RegistryWebhookEvents.FerryOnly).Where(RegistryWebhookEvents.IsFerryEvent).Order(StringComparer.Ordinal)));
        }

        if (body.Secret is { Length: < 16 })
        {
            throw new ValidationException("secret", "must be at least 16 characters");
        }

        var secret = body.Secret ?? WebhookSecrets.Generate();
        var webhook = await store.CreateAsync(new RegistryWebhook
        {
            Id = Guid.NewGuid().ToString(),
            Name = body.Name!,
            Description = body.Description,
            Url = body.Url!,
            Events = string.Join(' ', body.Events.Distinct(StringComparer.Ordinal)),
            Api = RegistryWebhookApis.Ferry,
            ProtectedSecret = secrets.Protect(secret),
        }, user.ActorName(), cancellationToken);
        return TypedResults.Json(View(webhook, body.Secret is null ? secret : null), Json.RegistryWebhookView, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>Lists the webhooks.</summary>
    public static async Task<IResult> ListAsync(IRegistryWebhookStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var webhooks = await store.ListAsync(null, 0, 1000, cancellationToken);
        return TypedResults.Json(new RegistryWebhookListView([.. webhooks.Select(w => View(w, null))]), Json.RegistryWebhookListView);
    }

    /// <summary>One webhook.</summary>
    public static async Task<IResult> GetAsync(string id, IRegistryWebhookStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return TypedResults.Json(View(await store.GetAsync(id, cancellationToken), null), Json.RegistryWebhookView);
    }

    /// <summary>Deletes a webhook (its pending deliveries fail).</summary>
    public static async Task<IResult> DeleteAsync(string id, IRegistryWebhookStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        await store.DeleteAsync(id, user.ActorName(), cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Its deliveries.</summary>
    public static async Task<IResult> DeliveriesAsync(string id, int? limit, IRegistryWebhookStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        _ = await store.GetAsync(id, cancellationToken);
        var deliveries = await store.ListDeliveriesAsync(id, limit ?? 100, cancellationToken);
        return TypedResults.Json(new RegistryWebhookDeliveryListView([.. deliveries.Select(d => new RegistryWebhookDeliveryView(
            d.Delivery.Id, d.Delivery.EventType, d.Delivery.Status, d.Delivery.Attempts, Iso(d.Delivery.CreatedAt),
            d.Delivery.LastAttemptAt is { } last ? Iso(last) : null, d.Delivery.NextAttemptAt is { } next ? Iso(next) : null,
            d.Delivery.ResponseStatus, d.Delivery.LastError, Parse(d.Delivery.Payload),
            [.. d.Attempts.Select(a => new RegistryWebhookAttemptView(a.Attempt, Iso(a.At), a.Succeeded, a.StatusCode, a.Error))]))]),
            Json.RegistryWebhookDeliveryListView);
    }

    /// <summary>Posts an example event.</summary>
    public static async Task<IResult> TestAsync(string id, string? @event, IRegistryWebhookStore store, WebhookPoster poster, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(poster);
        ArgumentNullException.ThrowIfNull(clock);
        var webhook = await store.GetAsync(id, cancellationToken);
        var eventType = @event ?? webhook.EventList()[0];
        if (!RegistryWebhookEvents.IsFerryEvent(eventType))
        {
            throw new ValidationException("event", $"'{eventType}' is not an event Ferry raises");
        }

        var payload = RegistryWebhookPayload.Build(RegistryWebhookPayload.Example(eventType, clock.GetUtcNow().ToUnixTimeMilliseconds()));
        var result = await poster.PostAsync(webhook, Guid.NewGuid().ToString(), payload, cancellationToken);
        return TypedResults.Json(new RegistryWebhookTestView(result.Succeeded, result.StatusCode, result.Body, result.Error), Json.RegistryWebhookTestView);
    }

    private static RegistryWebhookView View(RegistryWebhook w, string? secret) => new(
        w.Id, w.Name, w.Description, w.Url, w.EventList(), w.Status, w.Api, w.ProtectedSecret is not null, w.CreatedBy,
        Iso(w.CreationTimestamp), Iso(w.LastUpdatedTimestamp), secret);

    private static string Iso(long epochMilliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(epochMilliseconds).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

/// <summary>A webhook to add.</summary>
public sealed class RegistryWebhookBody
{
    /// <summary>Its name.</summary>
    public string? Name { get; set; }

    /// <summary>The http(s) URL.</summary>
    public string? Url { get; set; }

    /// <summary>The events it receives.</summary>
    public List<string>? Events { get; set; }

    /// <summary>What it is for.</summary>
    public string? Description { get; set; }

    /// <summary>The signing secret (at least 16 characters); generated when absent.</summary>
    public string? Secret { get; set; }
}

/// <summary>A webhook as answered (the secret only in the creation answer, and only when Ferry generated it).</summary>
/// <param name="Id">Id.</param>
/// <param name="Name">Name.</param>
/// <param name="Description">Description.</param>
/// <param name="Url">URL.</param>
/// <param name="Events">Events.</param>
/// <param name="Status">ACTIVE or DISABLED.</param>
/// <param name="Api">mlflow or ferry.</param>
/// <param name="HasSecret">Whether deliveries carry a signature.</param>
/// <param name="CreatedBy">Who added it.</param>
/// <param name="CreatedAt">When.</param>
/// <param name="UpdatedAt">Last change.</param>
/// <param name="Secret">The generated secret, once.</param>
public sealed record RegistryWebhookView(
    string Id, string Name, string? Description, string Url, IReadOnlyList<string> Events, string Status, string Api, bool HasSecret,
    string CreatedBy, string CreatedAt, string UpdatedAt, string? Secret);

/// <summary>The webhooks.</summary>
/// <param name="Webhooks">Newest first.</param>
public sealed record RegistryWebhookListView(IReadOnlyList<RegistryWebhookView> Webhooks);

/// <summary>One attempt.</summary>
/// <param name="Attempt">1, 2, ...</param>
/// <param name="At">When it finished.</param>
/// <param name="Succeeded">2xx.</param>
/// <param name="StatusCode">The status received.</param>
/// <param name="Error">What went wrong.</param>
public sealed record RegistryWebhookAttemptView(int Attempt, string At, bool Succeeded, int? StatusCode, string? Error);

/// <summary>One delivery.</summary>
/// <param name="Id">The delivery id (<c>X-MLflow-Delivery-Id</c>).</param>
/// <param name="Event">The event type.</param>
/// <param name="Status">pending, succeeded or failed.</param>
/// <param name="Attempts">Attempts made.</param>
/// <param name="CreatedAt">When the event was taken.</param>
/// <param name="LastAttemptAt">When the last attempt finished.</param>
/// <param name="NextAttemptAt">When the next is due.</param>
/// <param name="ResponseStatus">The last status received.</param>
/// <param name="LastError">The last error.</param>
/// <param name="Payload">The body posted.</param>
/// <param name="AttemptLog">Every attempt.</param>
public sealed record RegistryWebhookDeliveryView(
    Guid Id, string Event, string Status, int Attempts, string CreatedAt, string? LastAttemptAt, string? NextAttemptAt,
    int? ResponseStatus, string? LastError, JsonElement Payload, IReadOnlyList<RegistryWebhookAttemptView> AttemptLog);

/// <summary>Deliveries.</summary>
/// <param name="Deliveries">Newest first.</param>
public sealed record RegistryWebhookDeliveryListView(IReadOnlyList<RegistryWebhookDeliveryView> Deliveries);

/// <summary>What a test post gave.</summary>
/// <param name="Success">2xx.</param>
/// <param name="StatusCode">The status.</param>
/// <param name="Body">The receiver's answer.</param>
/// <param name="Error">What went wrong.</param>
public sealed record RegistryWebhookTestView(bool Success, int? StatusCode, string? Body, string? Error);

/// <summary>Source-generated JSON for the governance webhook routes.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RegistryWebhookBody))]
[JsonSerializable(typeof(RegistryWebhookView))]
[JsonSerializable(typeof(RegistryWebhookListView))]
[JsonSerializable(typeof(RegistryWebhookDeliveryListView))]
[JsonSerializable(typeof(RegistryWebhookTestView))]
public sealed partial class GovernanceWebhooksJsonContext : JsonSerializerContext;
