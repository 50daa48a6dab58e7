using Ferry.Core.Errors;
using Ferry.Core.Serving;
using Ferry.Storage.Audit;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Serving;

/// <summary>
/// Endpoints and their versioned traffic policies in <see cref="FerryDbContext"/>. Every change goes through
/// <see cref="AuditedWriter"/> (one event per call, target <c>endpoint/&lt;name&gt;</c>), so a policy switch and its
/// record commit together; revisions are only ever appended, and the active one is the newest. Routes are returned
/// weighted first (heaviest first), then shadows, each group by model, version and alias.
/// </summary>
public sealed partial class EndpointStore(FerryDbContext db, AuditedWriter writer, TimeProvider clock) : IEndpointStore
{
    /// <inheritdoc />
    public async Task<ServingEndpoint?> GetAsync(string endpointName, CancellationToken cancellationToken = default)
    {
        if (!EndpointStoreRules.IsValidName(endpointName))
        {
            return null;
        }

        var endpoint = await Full(db).FirstOrDefaultAsync(e => e.Name == endpointName, cancellationToken);
        return endpoint is null ? null : Ordered(endpoint);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ServingEndpoint>> ListAsync(CancellationToken cancellationToken = default)
    {
        var endpoints = await Full(db).ToListAsync(cancellationToken);
        return [.. endpoints.Select(Ordered).OrderBy(e => e.Name, StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    /// <remarks>
    /// Aliases are resolved against the registry as it is at the call, so an endpoint following an alias serves the
    /// alias's new version as soon as it moves. A route that no longer resolves to a servable version (its alias or
    /// version was deleted since the deploy) is left out; the request path answers from the routes that remain.
    /// </remarks>
    public async Task<ResolvedPolicy?> ResolveAsync(string endpointName, CancellationToken cancellationToken = default)
    {
        if (!EndpointStoreRules.IsValidName(endpointName))
        {
            return null;
        }

        var endpoint = await db.ServingEndpoints.AsNoTracking().FirstOrDefaultAsync(e => e.Name == endpointName, cancellationToken);
        if (endpoint is null)
        {
            return null;
        }

        var policy = await PolicyAsync(db, endpoint.Id, endpoint.ActiveRevision, tracked: false, cancellationToken);
        var routes = policy is null ? [] : Sort(policy.Routes);
        var registry = await EndpointStoreRegistry.LoadAsync(db, routes.Select(r => r.ModelName), cancellationToken);
        var resolved = new List<ResolvedRoute>();
        foreach (var route in routes)
        {
            if (registry.Resolve(route.ModelName, route.Version, route.Alias, out _) is { } target)
            {
                resolved.Add(new ResolvedRoute(route.ModelName, target.Version.Version, route.Alias,
                    target.Version.Flavor!, target.Version.ArtifactPath!, route.Role, route.Weight));
            }
        }

        var oversight = await db.EndpointOversight.AsNoTracking().FirstOrDefaultAsync(o => o.EndpointName == endpoint.Name, cancellationToken);
        return new ResolvedPolicy(endpoint.Name, endpoint.ActiveRevision, resolved, endpoint.MaxBatchSize, endpoint.MaxBatchDelayMicros, endpoint.Durability, endpoint.InvocationsOutput,
            oversight);
    }

    private long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();

    private static IQueryable<ServingEndpoint> Full(FerryDbContext context) =>
        context.ServingEndpoints.AsNoTracking().Include(e => e.Policies).ThenInclude(p => p.Routes).AsSplitQuery();

    private static Task<TrafficPolicy?> PolicyAsync(FerryDbContext context, Guid endpointId, int revision, bool tracked, CancellationToken cancellationToken)
    {
        var policies = tracked ? context.TrafficPolicies : context.TrafficPolicies.AsNoTracking();
        return policies.Include(p => p.Routes).FirstOrDefaultAsync(p => p.EndpointId == endpointId && p.Revision == revision, cancellationToken);
    }

    private static async Task<ServingEndpoint> TrackedAsync(FerryDbContext context, string name, CancellationToken cancellationToken) =>
        await context.ServingEndpoints.FirstOrDefaultAsync(e => e.Name == name, cancellationToken) ?? throw NotFound(name);

    private static NotFoundException NotFound(string name) => new($"No endpoint is named '{name}'.");

    private static string Target(string name) => $"endpoint/{name}";

    private static ServingEndpoint Ordered(ServingEndpoint endpoint)
    {
        endpoint.Policies = [.. endpoint.Policies.OrderBy(p => p.Revision)];
        foreach (var policy in endpoint.Policies)
        {
            policy.Routes = Sort(policy.Routes);
        }

        return endpoint;
    }

    private static List<TrafficRoute> Sort(IEnumerable<TrafficRoute> routes) =>
    [
        .. routes.OrderBy(r => r.Role).ThenByDescending(r => r.Weight).ThenBy(r => r.ModelName, StringComparer.Ordinal)
            .ThenBy(r => r.Version ?? int.MaxValue).ThenBy(r => r.Alias, StringComparer.Ordinal),
    ];

    /// <summary>The routes as the audit trail records them.</summary>
    private static object[]? Describe(TrafficPolicy? policy) =>
        policy is null
            ? null
            : [.. Sort(policy.Routes).Select(r => new { Model = r.ModelName, r.Version, r.Alias, Role = EndpointStoreRules.RoleName(r.Role), r.Weight })];
}
