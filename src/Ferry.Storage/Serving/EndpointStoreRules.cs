using System.Text.RegularExpressions;
using Ferry.Core.Errors;
using Ferry.Core.Serving;

namespace Ferry.Storage.Serving;

/// <summary>
/// Input rules for endpoints: names of 1-128 characters <c>[a-z0-9][a-z0-9-]*</c>; at most <see cref="MaxRoutes"/>
/// routes, each naming a model and exactly one of a version (1 or more) or an alias; weights from 0 to
/// <see cref="MaxWeight"/> with a positive total over weighted routes; one route per (model, version or alias, role).
/// </summary>
internal static partial class EndpointStoreRules
{
    public const int MaxNameLength = 128;
    public const int MaxRoutes = 32;
    public const int MaxWeight = 1_000_000;
    public const int MaxBatchSize = 4096;
    public const int MaxBatchDelayMicros = 1_000_000;

    public static bool IsValidName(string? name) => name is { Length: > 0 and <= MaxNameLength } && NamePattern().IsMatch(name);

    public static string Name(string? name) => IsValidName(name)
        ? name!
        : throw new ValidationException("name", $"'{name}' is not an endpoint name: 1 to {MaxNameLength} characters, lower-case letters, digits and '-', starting with a letter or digit");

    /// <summary>
    /// Checks the shape of a deploy request (not whether its models exist); returns the routes normalised (a blank alias
    /// is none, a shadow's weight 0) in the caller's order, so index i still names the caller's i-th route.
    /// </summary>
    public static List<RouteRequest> Routes(IReadOnlyList<RouteRequest>? routes)
    {
        if (routes is null || routes.Count == 0)
        {
            throw new ValidationException("routes", "at least one route is required");
        }

        if (routes.Count > MaxRoutes)
        {
            throw new ValidationException("routes", $"at most {MaxRoutes} routes are allowed, not {routes.Count}");
        }

        var errors = new Dictionary<string, string[]>();
        var seen = new HashSet<(string, int?, string?, RouteRole)>();
        var normalised = new List<RouteRequest>();
        for (var i = 0; i < routes.Count; i++)
        {
            var route = routes[i];
            var problem = Problem(route);
            if (problem is null && !seen.Add((route!.ModelName, route.Version, string.IsNullOrWhiteSpace(route.Alias) ? null : route.Alias, route.Role)))
            {
                problem = $"{Label(route)} appears twice as a {RoleName(route.Role)} route";
            }

            if (problem is not null)
            {
                errors[$"routes[{i}]"] = [problem];
                continue;
            }

            normalised.Add(route with
            {
                Alias = string.IsNullOrWhiteSpace(route.Alias) ? null : route.Alias,
                Weight = route.Role == RouteRole.Shadow ? 0 : route.Weight,
            });
        }

        if (errors.Count == 0 && normalised.Where(r => r.Role == RouteRole.Weighted).Sum(r => (long)r.Weight) <= 0)
        {
            errors["routes"] = ["the weighted routes' weights must add up to more than 0 (at least one route must answer callers)"];
        }

        return errors.Count > 0 ? throw new ValidationException(errors) : normalised;
    }

    public static void Batching(int maxBatchSize, int maxBatchDelayMicros)
    {
        var errors = new Dictionary<string, string[]>();
        if (maxBatchSize is < 1 or > MaxBatchSize)
        {
            errors["maxBatchSize"] = [$"must be from 1 (off) to {MaxBatchSize}, not {maxBatchSize}"];
        }

        if (maxBatchDelayMicros is < 0 or > MaxBatchDelayMicros)
        {
            errors["maxDelayMicros"] = [$"must be from 0 to {MaxBatchDelayMicros} microseconds, not {maxBatchDelayMicros}"];
        }

        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
    }

    /// <summary>"model:3" or "model@alias".</summary>
    public static string Label(string model, int? version, string? alias) => alias is null ? $"{model}:{version}" : $"{model}@{alias}";

    public static string Label(RouteRequest route) => Label(route.ModelName, route.Version, route.Alias);

    public static string Label(TrafficRoute route) => Label(route.ModelName, route.Version, route.Alias);

    public static string DurabilityName(PredictionDurability durability) => durability == PredictionDurability.Durable ? "durable" : "buffered";

    public static string RoleName(RouteRole role) => role == RouteRole.Shadow ? "shadow" : "weighted";

    private static string? Problem(RouteRequest? route)
    {
        if (route is null)
        {
            return "a route is required";
        }

        if (string.IsNullOrWhiteSpace(route.ModelName))
        {
            return "model is required";
        }

        if (route.ModelName.Length > 256)
        {
            return "model must be at most 256 characters";
        }

        if ((route.Version is null) == string.IsNullOrWhiteSpace(route.Alias))
        {
            return $"model '{route.ModelName}' needs exactly one of version or alias";
        }

        if (route.Version is < 1)
        {
            return $"version must be 1 or more, not {route.Version}";
        }

        if (route.Alias is { Length: > 256 })
        {
            return "alias must be at most 256 characters";
        }

        if (!Enum.IsDefined(route.Role))
        {
            return "role must be weighted or shadow";
        }

        return route.Weight is < 0 or > MaxWeight ? $"weight must be from 0 to {MaxWeight}, not {route.Weight}" : null;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
