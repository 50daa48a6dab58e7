using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Core.Serving;

namespace Ferry.Server.Endpoints.Serving;

/// <summary>Reads endpoint-management bodies with the source-generated context and checks their fields.</summary>
internal static class EndpointsRequests
{
    /// <summary>Default weight of a weighted route that names none.</summary>
    public const int DefaultWeight = 100;

    /// <summary>Reads a JSON body; an empty body reads as <c>{}</c>; malformed JSON or refused text (<see cref="RequestText"/>) is a 400 naming the JSON path.</summary>
    public static async Task<T> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo)
        where T : new()
    {
        if (request.ContentLength == 0)
        {
            return new T();
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        if (buffer.Length == 0)
        {
            return new T();
        }

        var json = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        RequestText.CheckJson(json);
        try
        {
            return JsonSerializer.Deserialize(json, typeInfo) ?? new T();
        }
        catch (JsonException e)
        {
            throw new BadHttpRequestException("The request body is not valid JSON for this route.", StatusCodes.Status400BadRequest, e);
        }
    }

    /// <summary>The routes of a deploy body, or a 400 naming each bad field (<c>routes[i].role</c>, ...).</summary>
    public static List<RouteRequest> Routes(DeployBody body)
    {
        if (body.Routes is not { Count: > 0 } routes)
        {
            throw new ValidationException("routes", "at least one route is required");
        }

        var errors = new Dictionary<string, string[]>();
        var result = new List<RouteRequest>();
        for (var i = 0; i < routes.Count; i++)
        {
            var route = routes[i];
            if (route is null)
            {
                errors[$"routes[{i}]"] = ["a route is required"];
                continue;
            }

            if (string.IsNullOrWhiteSpace(route.Model))
            {
                errors[$"routes[{i}].model"] = ["is required"];
            }

            RouteRole? role = route.Role?.Trim().ToLowerInvariant() switch
            {
                null or "" or "weighted" => RouteRole.Weighted,
                "shadow" => RouteRole.Shadow,
                _ => null,
            };
            if (role is null)
            {
                errors[$"routes[{i}].role"] = [$"must be weighted or shadow, not '{route.Role}'"];
                continue;
            }

            var weight = route.Weight ?? (role == RouteRole.Weighted ? DefaultWeight : 0);
            result.Add(new RouteRequest(route.Model ?? string.Empty, route.Version, string.IsNullOrWhiteSpace(route.Alias) ? null : route.Alias, role.Value, weight));
        }

        return errors.Count > 0 ? throw new ValidationException(errors) : result;
    }

    /// <summary>The durability of a body: "buffered" or "durable" (required).</summary>
    public static PredictionDurability Durability(DurabilityBody body) => body.Durability?.Trim().ToLowerInvariant() switch
    {
        "buffered" => PredictionDurability.Buffered,
        "durable" => PredictionDurability.Durable,
        null or "" => throw new ValidationException("durability", "is required: buffered or durable"),
        _ => throw new ValidationException("durability", $"must be buffered or durable, not '{body.Durability}'"),
    };

    /// <summary>What <c>/invocations</c> answers, from a body's <c>invocationsOutput</c>; null when absent and not <paramref name="required"/>.</summary>
    public static InvocationsOutput? InvocationsOutput(string? name, bool required)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return required ? throw new ValidationException("invocationsOutput", $"is required: {string.Join(", ", InvocationsOutputNames.All)}") : null;
        }

        return InvocationsOutputNames.Parse(name)
            ?? throw new ValidationException("invocationsOutput", $"must be {string.Join(", ", InvocationsOutputNames.All)}, not '{name}'");
    }

    /// <summary>The batching settings of a body, both required.</summary>
    public static (int MaxBatchSize, int MaxDelayMicros) Batching(BatchingBody body)
    {
        var errors = new Dictionary<string, string[]>();
        if (body.MaxBatchSize is null)
        {
            errors["maxBatchSize"] = ["is required"];
        }

        if (body.MaxDelayMicros is null)
        {
            errors["maxDelayMicros"] = ["is required"];
        }

        return errors.Count > 0 ? throw new ValidationException(errors) : (body.MaxBatchSize!.Value, body.MaxDelayMicros!.Value);
    }
}
