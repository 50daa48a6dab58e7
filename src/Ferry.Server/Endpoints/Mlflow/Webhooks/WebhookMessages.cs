using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ferry.Server.Endpoints.Mlflow.Webhooks;

/// <summary>The body of <c>webhooks</c> create, update and test (MLflow's <c>webhooks.proto</c>); enums as names or numbers.</summary>
public sealed class WebhookRequest
{
    /// <summary>Name.</summary>
    public string? Name { get; set; }

    /// <summary>Description.</summary>
    public string? Description { get; set; }

    /// <summary>URL.</summary>
    public string? Url { get; set; }

    /// <summary>Events.</summary>
    public List<WebhookEventMessage>? Events { get; set; }

    /// <summary>Signing secret (never returned).</summary>
    public string? Secret { get; set; }

    /// <summary><c>ACTIVE</c> or <c>DISABLED</c>.</summary>
    public JsonElement? Status { get; set; }

    /// <summary>The event to test (test only).</summary>
    public WebhookEventMessage? Event { get; set; }
}

/// <summary>An event: entity and action, as proto enum names (<c>MODEL_VERSION</c>, <c>CREATED</c>).</summary>
public sealed class WebhookEventMessage
{
    /// <summary>The entity.</summary>
    public JsonElement? Entity { get; set; }

    /// <summary>The action.</summary>
    public JsonElement? Action { get; set; }
}

/// <summary>An event as answered.</summary>
/// <param name="Entity">The entity's enum name.</param>
/// <param name="Action">The action's enum name.</param>
public sealed record WebhookEventView(string Entity, string Action);

/// <summary>MLflow's <c>Webhook</c> message (no secret).</summary>
/// <param name="WebhookId">Id.</param>
/// <param name="Name">Name.</param>
/// <param name="Description">Description.</param>
/// <param name="Url">URL.</param>
/// <param name="Events">Events.</param>
/// <param name="Status">Status.</param>
/// <param name="CreationTimestamp">Created, epoch ms.</param>
/// <param name="LastUpdatedTimestamp">Last changed, epoch ms.</param>
public sealed record WebhookMessage(
    string WebhookId, string Name, string? Description, string Url, IReadOnlyList<WebhookEventView> Events, string Status,
    long CreationTimestamp, long LastUpdatedTimestamp);

/// <summary>One webhook.</summary>
/// <param name="Webhook">The webhook.</param>
public sealed record WebhookResponse(WebhookMessage Webhook);

/// <summary>A page of webhooks.</summary>
/// <param name="Webhooks">The webhooks.</param>
/// <param name="NextPageToken">The next page, when there is one.</param>
public sealed record WebhooksResponse(IReadOnlyList<WebhookMessage> Webhooks, string? NextPageToken);

/// <summary>What a test delivery gave.</summary>
/// <param name="Success">Whether the receiver answered below 400.</param>
/// <param name="ResponseStatus">Its status.</param>
/// <param name="ResponseBody">Its answer.</param>
/// <param name="ErrorMessage">What went wrong.</param>
public sealed record WebhookTestResultMessage(bool Success, int? ResponseStatus, string? ResponseBody, string? ErrorMessage);

/// <summary>The test route's answer.</summary>
/// <param name="Result">The result.</param>
public sealed record TestWebhookResponse(WebhookTestResultMessage Result);

/// <summary>Source-generated JSON for the webhook messages, with <see cref="MlflowJson.Options"/>' conventions.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WebhookRequest))]
[JsonSerializable(typeof(WebhookResponse))]
[JsonSerializable(typeof(WebhooksResponse))]
[JsonSerializable(typeof(TestWebhookResponse))]
public sealed partial class MlflowWebhooksJsonContext : JsonSerializerContext;
