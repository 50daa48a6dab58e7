namespace Ferry.Core.Serving;

/// <summary>A route as the request path needs it: aliases resolved to a version, and where its model file is.</summary>
/// <param name="ModelName">Registered model.</param>
/// <param name="Version">The version serving now (an alias's current target).</param>
/// <param name="Alias">The alias this route follows, if any.</param>
/// <param name="Flavor">"onnx" or "mlnet".</param>
/// <param name="ArtifactPath">The model file's path in the artifact store.</param>
/// <param name="Role">Weighted or shadow.</param>
/// <param name="Weight">Relative share for weighted routes.</param>
public sealed record ResolvedRoute(string ModelName, int Version, string? Alias, string Flavor, string ArtifactPath, RouteRole Role, int Weight);

/// <summary>An endpoint's active policy with every alias resolved: what the request path routes by.</summary>
/// <param name="EndpointName">Endpoint.</param>
/// <param name="Revision">Active policy revision.</param>
/// <param name="Routes">Weighted routes and shadows.</param>
/// <param name="MaxBatchSize">Adaptive batching: largest batch (1 = off).</param>
/// <param name="MaxBatchDelayMicros">Adaptive batching: longest wait.</param>
/// <param name="Durability">Whether answers wait for their prediction-log rows to be committed.</param>
/// <param name="InvocationsOutput">What the MLflow scoring route answers per row.</param>
/// <param name="Oversight">The endpoint's oversight settings (suspension, subject field), or null for the defaults.</param>
public sealed record ResolvedPolicy(string EndpointName, int Revision, IReadOnlyList<ResolvedRoute> Routes, int MaxBatchSize, int MaxBatchDelayMicros,
    PredictionDurability Durability = PredictionDurability.Buffered, InvocationsOutput InvocationsOutput = InvocationsOutput.Predict,
    Oversight.EndpointOversight? Oversight = null);

/// <summary>A route as a deploy request names it: a version or an alias, a role and a weight.</summary>
/// <param name="ModelName">Registered model.</param>
/// <param name="Version">Fixed version, or null with <paramref name="Alias"/>.</param>
/// <param name="Alias">Alias to follow, or null with <paramref name="Version"/>.</param>
/// <param name="Role">Weighted or shadow.</param>
/// <param name="Weight">Relative share for weighted routes.</param>
public sealed record RouteRequest(string ModelName, int? Version, string? Alias, RouteRole Role, int Weight);

/// <summary>Port: endpoints and their versioned traffic policies; every change is audited.</summary>
public interface IEndpointStore
{
    /// <summary>
    /// Creates the endpoint or adds a policy revision and activates it, atomically. Refuses (ValidationException)
    /// unknown models/versions/aliases, versions Ferry cannot serve (no flavor or artifact), weights that do not sum
    /// to a positive total, and, unless <paramref name="force"/>, a version whose signature would reject records the
    /// endpoint's current versions accept.
    /// </summary>
    Task<ServingEndpoint> DeployAsync(string endpointName, IReadOnlyList<RouteRequest> routes, bool force, string actor, CancellationToken cancellationToken = default);

    /// <summary>Re-activates the revision before the active one (as a new revision, so history stays linear).</summary>
    Task<ServingEndpoint> RollbackAsync(string endpointName, string actor, CancellationToken cancellationToken = default);

    /// <summary>Sets adaptive batching (1 and 0 turn it off).</summary>
    Task<ServingEndpoint> SetBatchingAsync(string endpointName, int maxBatchSize, int maxBatchDelayMicros, string actor, CancellationToken cancellationToken = default);

    /// <summary>Sets whether answers wait for their prediction-log rows to be committed.</summary>
    Task<ServingEndpoint> SetDurabilityAsync(string endpointName, PredictionDurability durability, string actor, CancellationToken cancellationToken = default);

    /// <summary>Sets what the endpoint's MLflow scoring route answers per row.</summary>
    Task<ServingEndpoint> SetInvocationsOutputAsync(string endpointName, InvocationsOutput output, string actor, CancellationToken cancellationToken = default);

    /// <summary>Deletes an endpoint (its prediction log stays).</summary>
    Task DeleteAsync(string endpointName, string actor, CancellationToken cancellationToken = default);

    /// <summary>An endpoint with all its revisions, or null.</summary>
    Task<ServingEndpoint?> GetAsync(string endpointName, CancellationToken cancellationToken = default);

    /// <summary>All endpoints (with revisions).</summary>
    Task<IReadOnlyList<ServingEndpoint>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>The active policy with aliases resolved now, or null for an unknown endpoint.</summary>
    Task<ResolvedPolicy?> ResolveAsync(string endpointName, CancellationToken cancellationToken = default);
}
