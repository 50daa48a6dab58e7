using Ferry.Core.Audit;
using Ferry.Core.Cluster;
using Ferry.Core.Errors;
using Ferry.Core.Serving;
using Ferry.Server.Serving;

namespace Ferry.Server.Endpoints.Serving;

/// <summary>An entry of the model-repository index: an endpoint, the version it routes to, and whether it is loaded.</summary>
/// <param name="Name">The endpoint (the protocol's model name).</param>
/// <param name="Version">The version the endpoint routes to (its heaviest weighted route).</param>
/// <param name="State"><c>READY</c> when that version is loaded in memory, else <c>UNAVAILABLE</c>.</param>
/// <param name="Reason">Why it is unavailable; empty when ready.</param>
public sealed record OipRepositoryEntry(string Name, string Version, string State, string Reason);

/// <summary>
/// The Open Inference Protocol's model-repository extension, shared by REST and gRPC: the index lists every endpoint
/// with the state of its serving version in the <see cref="ModelCache"/>; load loads every version an endpoint routes
/// to (weighted and shadows), unload retires them from memory (the next request loads them again). Loads and unloads
/// are audited as <c>endpoint.model-load</c> and <c>endpoint.model-unload</c>, and signalled to the other replicas
/// (<see cref="IClusterSignals"/>), which load or unload the same versions.
/// </summary>
public sealed class OipRepository(IEndpointStore endpoints, PolicyCache policies, ModelCache models, IAuditLog audit, IClusterSignals signals)
{
    /// <summary>Ready state.</summary>
    public const string Ready = "READY";

    /// <summary>Not loaded (or not loadable) state.</summary>
    public const string Unavailable = "UNAVAILABLE";

    /// <summary>Every endpoint with its serving version's state; with <paramref name="readyOnly"/> only the loaded ones.</summary>
    public async Task<IReadOnlyList<OipRepositoryEntry>> IndexAsync(bool readyOnly, CancellationToken cancellationToken)
    {
        var entries = new List<OipRepositoryEntry>();
        foreach (var endpoint in (await endpoints.ListAsync(cancellationToken)).OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var policy = await policies.GetAsync(endpoint.Name, cancellationToken);
            if (policy is null || policy.Routes.Count == 0)
            {
                continue;
            }

            var route = OipApi.ServingRoute(policy);
            var loaded = models.IsLoaded(route.ModelName, route.Version);
            if (readyOnly && !loaded)
            {
                continue;
            }

            entries.Add(new OipRepositoryEntry(endpoint.Name, route.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                loaded ? Ready : Unavailable, loaded ? "" : "not loaded; it loads on its first request or on load"));
        }

        return entries;
    }

    /// <summary>Loads every version the endpoint routes to.</summary>
    /// <exception cref="NotFoundException">No such endpoint.</exception>
    /// <exception cref="ValidationException">A version could not be loaded (the message says why).</exception>
    public async Task LoadAsync(string name, string actor, CancellationToken cancellationToken)
    {
        var routes = await RoutesAsync(name, cancellationToken);
        foreach (var route in routes)
        {
            try
            {
                using var lease = await models.AcquireAsync(route, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new ValidationException("model_name", $"model {route.ModelName} version {route.Version} of {name} could not be loaded: {ex.Message}");
            }
        }

        await audit.RecordAsync(actor, AuditRecord.Of("endpoint.model-load", $"endpoint/{name}",
            new { versions = routes.Select(r => $"{r.ModelName}/{r.Version}").ToArray() }), cancellationToken);
        signals.Publish(ClusterTopics.ModelLoaded, name);
    }

    /// <summary>Retires every version the endpoint routes to from memory.</summary>
    /// <exception cref="NotFoundException">No such endpoint.</exception>
    public async Task UnloadAsync(string name, string actor, CancellationToken cancellationToken)
    {
        var routes = await RoutesAsync(name, cancellationToken);
        var unloaded = routes.Where(r => models.Unload(r.ModelName, r.Version)).Select(r => $"{r.ModelName}/{r.Version}").ToArray();
        await audit.RecordAsync(actor, AuditRecord.Of("endpoint.model-unload", $"endpoint/{name}", new { versions = unloaded }), cancellationToken);
        foreach (var route in routes)
        {
            // Every route, not only those loaded here: another replica may hold one this replica had not loaded.
            signals.Publish(ClusterTopics.ModelUnloaded, ClusterTopics.VersionKey(route.ModelName, route.Version));
        }
    }

    private async Task<List<ResolvedRoute>> RoutesAsync(string name, CancellationToken cancellationToken)
    {
        var policy = await policies.GetAsync(name, cancellationToken) ?? throw new NotFoundException($"Model with name {name} does not exist.");
        return policy.Routes.DistinctBy(r => (r.ModelName, r.Version)).ToList();
    }
}
