using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Core.Errors;
using Ferry.Core.Governance;
using Ferry.Core.Identity;
using Ferry.Core.Serving;
using Ferry.Core.Tracking;
using Ferry.Server.Errors;
using Microsoft.AspNetCore.Authorization;

namespace Ferry.Server.Identity;

/// <summary>
/// Enforces per-resource grants on every route of <see cref="ResourceRules"/>, after authentication and the role
/// policies: finds the experiment or registered model the request names, asks <see cref="IAuthorizationService"/>
/// (resource-based, <see cref="ResourcePermissionHandler"/>), and answers 403 in the route's protocol when refused;
/// records the owner of what a token creates; filters search answers down to what the caller may read.
/// </summary>
public sealed class ResourcePermissionMiddleware(RequestDelegate next)
{
    private static readonly JsonSerializerOptions WriteOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Runs the check for one request.</summary>
    public async Task InvokeAsync(HttpContext context, IAuthorizationService authorization)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authorization);
        var rule = ResourceRules.Find(context.Request.Method, (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText);
        if (rule is null || context.User.Identity?.IsAuthenticated != true)
        {
            await next(context);
            return;
        }

        var ct = context.RequestAborted;
        var body = NeedsBody(rule) && !HttpMethods.IsGet(context.Request.Method) ? await ReadBodyAsync(context.Request, ct) : null;
        // Nothing to look up for a caller no grant restricts (an admin): the check could not refuse them.
        if (rule.Locator is { } locator && !ResourcePermissions.Unrestricted(context.User))
        {
            foreach (var resource in await LocateAsync(context, locator, body, ct))
            {
                var result = await authorization.AuthorizeAsync(context.User, resource, new ResourcePermissionRequirement(rule.Level));
                if (!result.Succeeded)
                {
                    await ForbidAsync(context, resource, rule.Level);
                    return;
                }
            }
        }

        if (rule.Filter is { } filter && !ResourcePermissions.Unrestricted(context.User))
        {
            await FilterAsync(context, filter, ct);
            return;
        }

        await next(context);
        if (rule.After != AfterSuccess.None && context.Response.StatusCode is >= 200 and < 300)
        {
            await AfterAsync(context, rule.After, body, ct);
        }
    }

    private static bool NeedsBody(RouteRule rule) =>
        rule.Locator is Locator.ExperimentId or Locator.Run or Locator.ModelName or Locator.DeployModels || rule.After != AfterSuccess.None;

    private static async Task<JsonDocument?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        request.EnableBuffering();
        try
        {
            return await JsonDocument.ParseAsync(request.Body, default, ct);
        }
        catch (JsonException)
        {
            // The handler reads the same body and answers 400 in its own shape; nothing it could act on was named.
            return null;
        }
        finally
        {
            request.Body.Position = 0;
        }
    }

    /// <summary>A field of the request: the query on GET, the JSON body otherwise (the last occurrence, as the handlers' reader takes it); null when absent, empty or holding a NUL.</summary>
    private static string? Field(HttpContext context, JsonDocument? body, string name)
    {
        if (HttpMethods.IsGet(context.Request.Method))
        {
            var value = context.Request.Query[name].ToString();
            return value.Length == 0 || value.Contains('\0', StringComparison.Ordinal) ? null : value;
        }

        string? found = null;
        if (body?.RootElement.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in body.RootElement.EnumerateObject())
            {
                if (property.NameEquals(name))
                {
                    found = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => Text(property.Value),
                        JsonValueKind.Number => property.Value.GetRawText(),
                        _ => null,
                    };
                }
            }
        }

        // A NUL names nothing (PostgreSQL refuses it in text): the handler's own validation answers 400.
        return string.IsNullOrEmpty(found) || found.Contains('\0', StringComparison.Ordinal) ? null : found;
    }

    private static async Task<IReadOnlyList<ResourceRef>> LocateAsync(HttpContext context, Locator locator, JsonDocument? body, CancellationToken ct)
    {
        var services = context.RequestServices;
        switch (locator)
        {
            case Locator.ExperimentId:
                return [Experiment(Field(context, body, "experiment_id") ?? Ferry.Core.Tracking.Experiment.DefaultId.ToString(CultureInfo.InvariantCulture))];
            case Locator.ExperimentName:
                var name = context.Request.Query["experiment_name"].ToString();
                var experiment = name.Length == 0 ? null : await services.GetRequiredService<ITrackingStore>().FindExperimentByNameAsync(name, ct);
                return experiment is null ? [] : [Experiment(experiment.Id.ToString(CultureInfo.InvariantCulture))];
            case Locator.Run:
                var runId = Field(context, body, "run_id") ?? Field(context, body, "run_uuid");
                // The experiment alone: the whole run (six queries with its params, tags and metrics) was ~18 % of a
                // log-metric's server CPU (docs/benchmarks.md).
                return runId is not null && await services.GetRequiredService<ITrackingStore>().FindRunExperimentIdAsync(runId, ct) is { } experimentId
                    ? [Experiment(experimentId.ToString(CultureInfo.InvariantCulture))]
                    : [];
            case Locator.ModelName:
                return Field(context, body, "name") is { } model ? [new ResourceRef(ResourceKind.RegisteredModel, model)] : [];
            case Locator.LoggedModel:
                var modelId = context.GetRouteValue("modelId") as string;
                return modelId is null ? [] : await OrNoneAsync(async () =>
                    Experiment((await services.GetRequiredService<ILoggedModelStore>().GetAsync(modelId, true, ct)).ExperimentId.ToString(CultureInfo.InvariantCulture)));
            case Locator.ArtifactPath:
                var path = context.GetRouteValue("path") as string ?? context.Request.Query["path"].ToString();
                var first = path.TrimStart('/').Split('/')[0];
                return long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                    ? [Experiment(id.ToString(CultureInfo.InvariantCulture))]
                    : [];
            case Locator.RouteModelName:
                return context.GetRouteValue("name") is string routeName ? [new ResourceRef(ResourceKind.RegisteredModel, routeName)] : [];
            case Locator.DeployModels:
                return DeployModels(body);
            case Locator.EndpointModels:
                return context.GetRouteValue("name") is string endpointName
                    && await services.GetRequiredService<IEndpointStore>().GetAsync(endpointName, ct) is { } endpoint
                    ? [.. endpoint.Policies.Where(p => p.Revision == endpoint.ActiveRevision).SelectMany(p => p.Routes)
                        .Select(r => r.ModelName).Distinct(StringComparer.Ordinal).Select(m => new ResourceRef(ResourceKind.RegisteredModel, m))]
                    : [];
            case Locator.Promotion:
                return context.GetRouteValue("id") is string text && Guid.TryParse(text, out var promotionId)
                    && await services.GetRequiredService<IPromotionStore>().FindAsync(promotionId, ct) is { } promotion
                    ? [new ResourceRef(ResourceKind.RegisteredModel, promotion.ModelName)]
                    : [];
            default:
                return [];
        }
    }

    /// <summary>A string value, or null when it does not decode (invalid UTF-8, a lone surrogate): the handler then answers 400.</summary>
    private static string? Text(JsonElement value)
    {
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Case-insensitive, as the deploy body's reader binds; false when the name does not decode.</summary>
    private static bool NameIs(JsonProperty property, string name)
    {
        try
        {
            return string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static ResourceRef Experiment(string id) => new(ResourceKind.Experiment, id);

    private static async Task<IReadOnlyList<ResourceRef>> OrNoneAsync(Func<Task<ResourceRef>> find)
    {
        try
        {
            return [await find()];
        }
        catch (NotFoundException)
        {
            // Unknown: the handler answers 404 as it always did.
            return [];
        }
    }

    private static List<ResourceRef> DeployModels(JsonDocument? body)
    {
        var models = new List<ResourceRef>();
        if (body?.RootElement.ValueKind == JsonValueKind.Object
            && body.RootElement.TryGetProperty("routes", out var routes) && routes.ValueKind == JsonValueKind.Array)
        {
            foreach (var route in routes.EnumerateArray())
            {
                if (route.ValueKind == JsonValueKind.Object)
                {
                    foreach (var property in route.EnumerateObject())
                    {
                        if (property.Value.ValueKind == JsonValueKind.String && Text(property.Value) is { Length: > 0 } model
                            && NameIs(property, "model"))
                        {
                            models.Add(new ResourceRef(ResourceKind.RegisteredModel, model));
                        }
                    }
                }
            }
        }

        return models;
    }

    private static Task ForbidAsync(HttpContext context, ResourceRef resource, PermissionLevel needed)
    {
        var message = $"Permission denied: this route needs {needed.ToWireName()} on {resource.Kind.ToWireName()} '{resource.Id}'";
        return MlflowErrors.IsMlflowPath(context.Request.Path)
            ? MlflowErrors.WriteAsync(context, MlflowErrorCodes.PermissionDenied, message, StatusCodes.Status403Forbidden)
            : ProblemResponses.WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", message);
    }

    private static async Task AfterAsync(HttpContext context, AfterSuccess after, JsonDocument? body, CancellationToken ct)
    {
        var services = context.RequestServices;
        var grants = services.GetRequiredService<IGrantStore>();
        var user = context.User;
        var group = user.FindFirstValue(ResourcePermissions.GroupClaim);
        switch (after)
        {
            case AfterSuccess.ClaimExperiment when Field(context, body, "name") is { } name:
                var experiment = await services.GetRequiredService<ITrackingStore>().FindExperimentByNameAsync(name, ct);
                if (experiment is not null)
                {
                    await grants.ClaimAsync(ResourceKind.Experiment, experiment.Id.ToString(CultureInfo.InvariantCulture), group, user.ActorName(), ct);
                }

                break;
            case AfterSuccess.ClaimModel when Field(context, body, "name") is { } model:
                await grants.ClaimAsync(ResourceKind.RegisteredModel, model, group, user.ActorName(), ct);
                break;
            case AfterSuccess.RenameModel when Field(context, body, "name") is { } from && Field(context, body, "new_name") is { } to:
                await grants.MoveAsync(ResourceKind.RegisteredModel, from, to, user.ActorName(), ct);
                break;
        }
    }

    private async Task FilterAsync(HttpContext context, SearchFilter filter, CancellationToken ct)
    {
        var original = context.Response.Body;
        await using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        buffer.Position = 0;
        JsonNode? root = null;
        if (context.Response.StatusCode == StatusCodes.Status200OK)
        {
            try
            {
                root = await JsonNode.ParseAsync(buffer, cancellationToken: ct);
            }
            catch (JsonException)
            {
                root = null;
            }
        }

        if (root is not JsonObject answer || answer[ArrayOf(filter)] is not JsonArray items)
        {
            buffer.Position = 0;
            await buffer.CopyToAsync(original, ct);
            return;
        }

        var kind = filter is SearchFilter.RegisteredModels or SearchFilter.ModelVersions or SearchFilter.FerryModels or SearchFilter.Promotions ? ResourceKind.RegisteredModel : ResourceKind.Experiment;
        var keys = items.Select(item => KeyOf(filter, item)).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var readable = await context.RequestServices.GetRequiredService<ResourcePermissions>().ReadableAsync(context.User, kind, keys, ct);
        for (var i = items.Count - 1; i >= 0; i--)
        {
            if (KeyOf(filter, items[i]) is not { } key || !readable.Contains(key))
            {
                items.RemoveAt(i);
            }
        }

        context.Response.ContentLength = null;
        await using var writer = new Utf8JsonWriter(original, new JsonWriterOptions { Encoder = WriteOptions.Encoder });
        answer.WriteTo(writer);
        await writer.FlushAsync(ct);
    }

    private static string ArrayOf(SearchFilter filter) => filter switch
    {
        SearchFilter.Experiments => "experiments",
        SearchFilter.Runs => "runs",
        SearchFilter.RegisteredModels => "registered_models",
        SearchFilter.ModelVersions => "model_versions",
        SearchFilter.LoggedModels or SearchFilter.FerryModels => "models",
        SearchFilter.Promotions => "promotions",
        _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, null),
    };

    private static string? KeyOf(SearchFilter filter, JsonNode? item)
    {
        var node = filter switch
        {
            SearchFilter.Experiments => item?["experiment_id"],
            SearchFilter.Runs or SearchFilter.LoggedModels => item?["info"]?["experiment_id"],
            SearchFilter.RegisteredModels or SearchFilter.ModelVersions => item?["name"],
            SearchFilter.FerryModels => item?["name"],
            SearchFilter.Promotions => item?["model"],
            _ => null,
        };
        return node is JsonValue value ? value.TryGetValue<string>(out var text) ? text : value.ToJsonString() : null;
    }
}

/// <summary>Adds <see cref="ResourcePermissionMiddleware"/> to the pipeline.</summary>
public static class ResourcePermissionMiddlewareExtensions
{
    /// <summary>Enforces per-resource grants; call after <c>UseAuthorization</c>.</summary>
    public static IApplicationBuilder UseResourcePermissions(this IApplicationBuilder app) =>
        app.UseMiddleware<ResourcePermissionMiddleware>();
}
