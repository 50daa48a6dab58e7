using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Serving;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Serving;

/// <summary>Deploy and rollback: each appends a policy revision and activates it in the same transaction.</summary>
public sealed partial class EndpointStore
{
    /// <inheritdoc />
    /// <remarks>
    /// Refusals name the route (<c>routes[i]</c>). The compatibility rule is described on
    /// <see cref="EndpointStoreCompatibility"/>; each problem starts with "incompatible:" and names the input.
    /// </remarks>
    public async Task<ServingEndpoint> DeployAsync(string endpointName, IReadOnlyList<RouteRequest> routes, bool force, string actor, CancellationToken cancellationToken = default)
    {
        var name = EndpointStoreRules.Name(endpointName);
        var requested = EndpointStoreRules.Routes(routes);
        await writer.RunAsync(actor, async (context, ct) =>
        {
            var endpoint = await context.ServingEndpoints.FirstOrDefaultAsync(e => e.Name == name, ct);
            var active = endpoint is null ? null : await PolicyAsync(context, endpoint.Id, endpoint.ActiveRevision, tracked: false, ct);
            var registry = await EndpointStoreRegistry.LoadAsync(context,
                requested.Select(r => r.ModelName).Concat(active?.Routes.Select(r => r.ModelName) ?? []), ct);
            var targets = ResolveRequested(registry, requested);
            if (!force && active is not null)
            {
                CheckCompatibility(registry, active, requested, targets);
            }

            var now = Now();
            var created = endpoint is null;
            if (endpoint is null)
            {
                endpoint = new ServingEndpoint { Id = Guid.CreateVersion7(clock.GetUtcNow()), Name = name, CreatedBy = actor, CreatedAt = now };
                context.ServingEndpoints.Add(endpoint);
            }

            var policy = await AppendAsync(context, endpoint, requested.Select(r => new TrafficRoute
            {
                ModelName = r.ModelName,
                Version = r.Version,
                Alias = r.Alias,
                Role = r.Role,
                Weight = r.Weight,
            }), actor, created, ct);
            return (true, AuditRecord.Of("endpoint.deploy", Target(name), new
            {
                policy.Revision,
                Created = created,
                Force = force,
                Before = Describe(active),
                After = Describe(policy),
                Resolved = targets.Select(t => $"{t.ModelName}:{t.Version.Version}").ToArray(),
            }));
        }, cancellationToken);
        return (await GetAsync(name, cancellationToken))!;
    }

    /// <inheritdoc />
    /// <remarks>
    /// The revision before the active one is copied as a new revision, so history stays linear and a second rollback
    /// returns to the policy the first one replaced. Unknown endpoint: <see cref="NotFoundException"/>; only one
    /// revision: <see cref="ConflictException"/>; a copied route whose version can no longer be served:
    /// <see cref="ValidationException"/>. No compatibility check: the policy served before.
    /// </remarks>
    public async Task<ServingEndpoint> RollbackAsync(string endpointName, string actor, CancellationToken cancellationToken = default)
    {
        if (!EndpointStoreRules.IsValidName(endpointName))
        {
            throw NotFound(endpointName);
        }

        await writer.RunAsync(actor, async (context, ct) =>
        {
            var endpoint = await TrackedAsync(context, endpointName, ct);
            var active = await PolicyAsync(context, endpoint.Id, endpoint.ActiveRevision, tracked: false, ct);
            var previous = endpoint.ActiveRevision > 1
                ? await PolicyAsync(context, endpoint.Id, endpoint.ActiveRevision - 1, tracked: false, ct)
                : null;
            if (previous is null)
            {
                throw new ConflictException($"Endpoint '{endpointName}' has no revision before revision {endpoint.ActiveRevision} to roll back to.");
            }

            var copied = Sort(previous.Routes);
            var registry = await EndpointStoreRegistry.LoadAsync(context, copied.Select(r => r.ModelName), ct);
            var errors = new Dictionary<string, string[]>();
            for (var i = 0; i < copied.Count; i++)
            {
                if (registry.Resolve(copied[i].ModelName, copied[i].Version, copied[i].Alias, out var problem) is null)
                {
                    errors[$"routes[{i}]"] = [$"cannot roll back to revision {previous.Revision}: {problem}"];
                }
            }

            if (errors.Count > 0)
            {
                throw new ValidationException(errors);
            }

            var policy = await AppendAsync(context, endpoint, copied.Select(r => new TrafficRoute
            {
                ModelName = r.ModelName,
                Version = r.Version,
                Alias = r.Alias,
                Role = r.Role,
                Weight = r.Weight,
            }), actor, created: false, ct);
            return (true, AuditRecord.Of("endpoint.rollback", Target(endpointName), new
            {
                policy.Revision,
                RestoredRevision = previous.Revision,
                Before = Describe(active),
                After = Describe(policy),
            }));
        }, cancellationToken);
        return (await GetAsync(endpointName, cancellationToken))!;
    }

    /// <summary>Adds the next revision with <paramref name="routes"/> and makes it active.</summary>
    private async Task<TrafficPolicy> AppendAsync(FerryDbContext context, ServingEndpoint endpoint, IEnumerable<TrafficRoute> routes, string actor, bool created, CancellationToken cancellationToken)
    {
        var last = created ? 0 : await context.TrafficPolicies.Where(p => p.EndpointId == endpoint.Id).MaxAsync(p => (int?)p.Revision, cancellationToken) ?? 0;
        var now = clock.GetUtcNow();
        var policy = new TrafficPolicy
        {
            Id = Guid.CreateVersion7(now),
            EndpointId = endpoint.Id,
            Revision = last + 1,
            CreatedBy = actor,
            CreatedAt = now.ToUnixTimeMilliseconds(),
        };
        foreach (var route in routes)
        {
            route.Id = Guid.CreateVersion7(now);
            route.PolicyId = policy.Id;
            policy.Routes.Add(route);
        }

        context.TrafficPolicies.Add(policy);
        endpoint.ActiveRevision = policy.Revision;
        endpoint.UpdatedAt = policy.CreatedAt;
        return policy;
    }

    /// <summary>The target of every route (the i-th normalised route is the caller's i-th), or a 400 naming each failing one.</summary>
    private static List<RouteTarget> ResolveRequested(EndpointStoreRegistry registry, List<RouteRequest> requested)
    {
        var errors = new Dictionary<string, string[]>();
        var targets = new List<RouteTarget>();
        for (var i = 0; i < requested.Count; i++)
        {
            var route = requested[i];
            if (registry.Resolve(route.ModelName, route.Version, route.Alias, out var problem) is { } target)
            {
                targets.Add(target);
            }
            else
            {
                errors[$"routes[{i}]"] = [problem!];
            }
        }

        return errors.Count > 0 ? throw new ValidationException(errors) : targets;
    }

    private static void CheckCompatibility(EndpointStoreRegistry registry, TrafficPolicy active, List<RouteRequest> requested, List<RouteTarget> targets)
    {
        var current = active.Routes.Where(r => r.Role == RouteRole.Weighted)
            .Select(r => registry.Resolve(r.ModelName, r.Version, r.Alias, out _))
            .OfType<RouteTarget>().ToList();
        var weighted = Enumerable.Range(0, requested.Count).Where(i => requested[i].Role == RouteRole.Weighted).ToList();
        var problems = EndpointStoreCompatibility.Check(current, [.. weighted.Select(i => targets[i])]);
        if (problems.Count > 0)
        {
            throw new ValidationException(problems.ToDictionary(
                p => $"routes[{weighted[p.Key]}]",
                p => p.Value.ToArray()));
        }
    }
}
