using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Ferry.Core.Governance;
using Ferry.Server.Errors;
using Ferry.Server.Governance.Webhooks;
using Ferry.Server.Identity;

namespace Ferry.Server.Endpoints.Mlflow.Webhooks;

/// <summary>
/// MLflow 3's webhook API (<c>webhooks.proto</c>): create, list, get, update (PATCH), delete and test under
/// <c>/mlflow/webhooks</c>, for the registry events MLflow names. Every route needs an admin (a webhook sends registry
/// events out and holds a secret). The secret is stored encrypted and never answered.
/// </summary>
public static class MlflowWebhooksApi
{
    private static readonly string[] Entities =
        ["ENTITY_UNSPECIFIED", "REGISTERED_MODEL", "MODEL_VERSION", "MODEL_VERSION_TAG", "MODEL_VERSION_ALIAS", "PROMPT", "PROMPT_VERSION", "PROMPT_TAG", "PROMPT_VERSION_TAG", "PROMPT_ALIAS", "BUDGET_POLICY"];

    private static readonly string[] Actions = ["ACTION_UNSPECIFIED", "CREATED", "UPDATED", "DELETED", "SET", "EXCEEDED"];

    private static readonly string[] Statuses = ["STATUS_UNSPECIFIED", RegistryWebhookStatus.Active, RegistryWebhookStatus.Disabled];

    private static MlflowWebhooksJsonContext Json => MlflowWebhooksJsonContext.Default;

    /// <summary>Maps the webhook routes onto an MLflow group.</summary>
    public static RouteGroupBuilder MapMlflowWebhooks(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var webhooks = group.MapGroup("/webhooks").RequireAuthorization(FerryPolicies.Admin);
        webhooks.MapPost("", CreateAsync);
        webhooks.MapGet("", ListAsync);
        webhooks.MapGet("/{webhookId}", GetAsync);
        webhooks.MapPatch("/{webhookId}", UpdateAsync);
        webhooks.MapDelete("/{webhookId}", DeleteAsync);
        webhooks.MapPost("/{webhookId}/test", TestAsync);
        return group;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, IRegistryWebhookStore store, WebhookSecrets secrets, ClaimsPrincipal user, CancellationToken ct)
    {
        var body = await MlflowJson.ReadBodyAsync(request, Json.WebhookRequest);
        var name = string.IsNullOrEmpty(body.Name) ? throw MlflowException.MissingParameter("name") : body.Name;
        var url = string.IsNullOrEmpty(body.Url) ? throw MlflowException.MissingParameter("url") : body.Url;
        if (body.Events is null or { Count: 0 })
        {
            throw MlflowException.MissingParameter("events");
        }

        Check(RegistryWebhookRules.CheckName(name));
        Check(RegistryWebhookRules.CheckUrl(url));
        var webhook = await store.CreateAsync(new RegistryWebhook
        {
            Id = Guid.NewGuid().ToString(),
            Name = name,
            Description = string.IsNullOrEmpty(body.Description) ? null : body.Description,
            Url = url,
            Events = string.Join(' ', Events(body.Events)),
            Status = Status(body.Status) ?? RegistryWebhookStatus.Active,
            Api = RegistryWebhookApis.Mlflow,
            ProtectedSecret = string.IsNullOrEmpty(body.Secret) ? null : secrets.Protect(body.Secret),
        }, user.ActorName(), ct);
        return MlflowJson.Ok(new WebhookResponse(ToMessage(webhook)), Json.WebhookResponse);
    }

    private static async Task<IResult> ListAsync(HttpRequest request, IRegistryWebhookStore store, CancellationToken ct)
    {
        var max = 100;
        if (MlflowQuery.Optional(request, "max_results") is { } text && (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out max) || max is < 1 or > 1000))
        {
            throw new MlflowException(MlflowErrorCodes.InvalidParameterValue, "max_results must be between 1 and 1000.");
        }

        var offset = Offset(MlflowQuery.Optional(request, "page_token"));
        var page = await store.ListAsync(RegistryWebhookApis.Mlflow, offset, max + 1, ct);
        var next = page.Count > max ? Token(offset + max) : null;
        return MlflowJson.Ok(new WebhooksResponse([.. page.Take(max).Select(ToMessage)], next), Json.WebhooksResponse);
    }

    private static async Task<IResult> GetAsync(string webhookId, IRegistryWebhookStore store, CancellationToken ct) =>
        MlflowJson.Ok(new WebhookResponse(ToMessage(await FindAsync(store, webhookId, ct))), Json.WebhookResponse);

    private static async Task<IResult> UpdateAsync(string webhookId, HttpRequest request, IRegistryWebhookStore store, WebhookSecrets secrets, ClaimsPrincipal user, CancellationToken ct)
    {
        var body = await MlflowJson.ReadBodyAsync(request, Json.WebhookRequest);
        _ = await FindAsync(store, webhookId, ct);
        // As MLflow's handler: empty strings and an empty event list leave the field as it is.
        if (!string.IsNullOrEmpty(body.Name))
        {
            Check(RegistryWebhookRules.CheckName(body.Name));
        }

        if (!string.IsNullOrEmpty(body.Url))
        {
            Check(RegistryWebhookRules.CheckUrl(body.Url));
        }

        var events = body.Events is { Count: > 0 } list ? string.Join(' ', Events(list)) : null;
        var status = Status(body.Status);
        var secret = string.IsNullOrEmpty(body.Secret) ? null : secrets.Protect(body.Secret);
        var webhook = await store.UpdateAsync(webhookId, w =>
        {
            w.Name = string.IsNullOrEmpty(body.Name) ? w.Name : body.Name;
            w.Description = string.IsNullOrEmpty(body.Description) ? w.Description : body.Description;
            w.Url = string.IsNullOrEmpty(body.Url) ? w.Url : body.Url;
            w.Events = events ?? w.Events;
            w.Status = status ?? w.Status;
            w.ProtectedSecret = secret ?? w.ProtectedSecret;
        }, user.ActorName(), ct);
        return MlflowJson.Ok(new WebhookResponse(ToMessage(webhook)), Json.WebhookResponse);
    }

    private static async Task<IResult> DeleteAsync(string webhookId, IRegistryWebhookStore store, ClaimsPrincipal user, CancellationToken ct)
    {
        _ = await FindAsync(store, webhookId, ct);
        await store.DeleteAsync(webhookId, user.ActorName(), ct);
        return MlflowJson.Empty();
    }

    private static async Task<IResult> TestAsync(string webhookId, HttpRequest request, IRegistryWebhookStore store, WebhookPoster poster, TimeProvider clock, CancellationToken ct)
    {
        var body = await MlflowJson.ReadBodyAsync(request, Json.WebhookRequest);
        var webhook = await FindAsync(store, webhookId, ct);
        var eventType = body.Event is { } requested ? Event(requested) : webhook.EventList()[0];
        var payload = RegistryWebhookPayload.Build(RegistryWebhookPayload.Example(eventType, clock.GetUtcNow().ToUnixTimeMilliseconds()));
        var result = await poster.PostAsync(webhook, Guid.NewGuid().ToString(), payload, ct);
        var message = result.StatusCode is { } status
            ? new WebhookTestResultMessage(status < 400, status, result.Body, null)
            : new WebhookTestResultMessage(false, null, null, $"Failed to test webhook: {result.Error}");
        return MlflowJson.Ok(new TestWebhookResponse(message), Json.TestWebhookResponse);
    }

    private static async Task<RegistryWebhook> FindAsync(IRegistryWebhookStore store, string id, CancellationToken ct)
    {
        var webhook = await store.GetAsync(id, ct);
        return webhook.Api == RegistryWebhookApis.Mlflow
            ? webhook
            : throw new MlflowException(MlflowErrorCodes.ResourceDoesNotExist, $"Webhook with ID {id} not found.");
    }

    private static WebhookMessage ToMessage(RegistryWebhook w) => new(
        w.Id, w.Name, w.Description, w.Url,
        [.. w.EventList().Select(e => e.Split('.')).Select(p => new WebhookEventView(p[0].ToUpperInvariant(), p[1].ToUpperInvariant()))],
        w.Status, w.CreationTimestamp, w.LastUpdatedTimestamp);

    private static List<string> Events(List<WebhookEventMessage> events) => [.. events.Select(Event).Distinct(StringComparer.Ordinal)];

    private static string Event(WebhookEventMessage message)
    {
        var entity = EnumName(message.Entity, Entities, "entity");
        var action = EnumName(message.Action, Actions, "action");
        var name = $"{entity.ToLowerInvariant()}.{action.ToLowerInvariant()}";
        return RegistryWebhookEvents.Mlflow.Contains(name)
            ? name
            : throw new MlflowException(MlflowErrorCodes.InvalidParameterValue,
                $"Invalid action '{action.ToLowerInvariant()}' for entity '{entity.ToLowerInvariant()}'. Valid actions are: "
                + "[" + string.Join(", ", RegistryWebhookEvents.Mlflow.Where(e => e.StartsWith(entity.ToLowerInvariant() + ".", StringComparison.Ordinal))
                    .Select(e => $"'{e[(e.IndexOf('.', StringComparison.Ordinal) + 1)..]}'").Order(StringComparer.Ordinal)) + "]");
    }

    private static string? Status(JsonElement? status) => status is null or { ValueKind: JsonValueKind.Null }
        ? null
        : EnumName(status, Statuses, "status") is var name && name != Statuses[0] ? name
        : throw MlflowException.InvalidParameter("status", "must be ACTIVE or DISABLED");

    private static string EnumName(JsonElement? value, string[] names, string field)
    {
        if (value is { ValueKind: JsonValueKind.Number } number && number.TryGetInt32(out var index) && index >= 1 && index < names.Length)
        {
            return names[index];
        }

        if (value is { ValueKind: JsonValueKind.String } text && names.Skip(1).FirstOrDefault(n => string.Equals(n, text.GetString(), StringComparison.OrdinalIgnoreCase)) is { } name)
        {
            return name;
        }

        throw MlflowException.InvalidParameter(field, $"must be one of {string.Join(", ", names.Skip(1))}");
    }

    private static void Check(string? problem)
    {
        if (problem is not null)
        {
            throw new MlflowException(MlflowErrorCodes.InvalidParameterValue, problem);
        }
    }

    // MLflow's page tokens: base64 of {"offset": n}.
    private static string Token(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"offset\": {offset}}}"));

    private static int Offset(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return 0;
        }

        try
        {
            using var document = JsonDocument.Parse(Convert.FromBase64String(token));
            if (document.RootElement.TryGetProperty("offset", out var offset) && offset.TryGetInt32(out var value) && value >= 0)
            {
                return value;
            }
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
        }

        throw new MlflowException(MlflowErrorCodes.InvalidParameterValue, "Invalid page token, could not base64-decode");
    }
}
