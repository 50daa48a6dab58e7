namespace Ferry.Client.Serving;

/// <summary>One route of a deploy: a model and exactly one of a version or an alias.</summary>
/// <param name="Model">The registered model.</param>
/// <param name="Version">A fixed version, or null with <paramref name="Alias"/>.</param>
/// <param name="Alias">An alias to follow (the endpoint re-points when it moves), or null with <paramref name="Version"/>.</param>
/// <param name="Role">"weighted" (answers callers) or "shadow" (sees copies; its answers are only logged).</param>
/// <param name="Weight">Relative share of traffic for a weighted route (the server's default is 100); ignored for shadows.</param>
public sealed record DeployRoute(string Model, int? Version = null, string? Alias = null, string Role = DeployRoute.Weighted, int? Weight = null)
{
    /// <summary>The role of routes that answer callers.</summary>
    public const string Weighted = "weighted";

    /// <summary>The role of routes that see copies of requests.</summary>
    public const string Shadow = "shadow";
}

/// <summary>The body of a deploy: the whole new policy.</summary>
/// <param name="Routes">Weighted routes and shadows.</param>
/// <param name="Force">Deploy even if a new version would reject records the endpoint accepts now.</param>
public sealed record DeployRequest(IReadOnlyList<DeployRoute> Routes, bool Force = false);

/// <summary>The body of a batching change.</summary>
/// <param name="MaxBatchSize">Largest batch, 1 (off) to 4096.</param>
/// <param name="MaxDelayMicros">Longest a request waits for others, in microseconds.</param>
public sealed record BatchingRequest(int MaxBatchSize, int MaxDelayMicros);

/// <summary>A route as the server shows it.</summary>
/// <param name="Model">Registered model.</param>
/// <param name="Version">The fixed version, or null for an alias route.</param>
/// <param name="Alias">The alias followed, or null.</param>
/// <param name="Role">"weighted" or "shadow".</param>
/// <param name="Weight">Relative share (0 for shadows).</param>
/// <param name="ResolvedVersion">The version serving now; null when it no longer resolves, and in history.</param>
/// <param name="Flavor">The serving version's flavor, when resolved.</param>
public sealed record EndpointRoute(string Model, int? Version, string? Alias, string Role, int Weight, int? ResolvedVersion, string? Flavor);

/// <summary>One revision of an endpoint's traffic policy.</summary>
/// <param name="Revision">1, 2, ...</param>
/// <param name="Active">True for the revision serving now.</param>
/// <param name="CreatedBy">Who made it.</param>
/// <param name="CreatedAt">When.</param>
/// <param name="Routes">Its routes as deployed.</param>
public sealed record EndpointRevision(int Revision, bool Active, string CreatedBy, DateTimeOffset CreatedAt, IReadOnlyList<EndpointRoute> Routes);

/// <summary>Adaptive batching settings.</summary>
/// <param name="MaxBatchSize">Largest batch (1 = off).</param>
/// <param name="MaxDelayMicros">Longest wait, microseconds.</param>
public sealed record EndpointBatching(int MaxBatchSize, int MaxDelayMicros);

/// <summary>An endpoint: its active routes (aliases resolved), batching and history, oldest first.</summary>
/// <param name="Name">Endpoint name.</param>
/// <param name="ActiveRevision">The revision serving now.</param>
/// <param name="Routes">The active routes.</param>
/// <param name="Batching">Adaptive batching.</param>
/// <param name="CreatedBy">Who created it.</param>
/// <param name="CreatedAt">When.</param>
/// <param name="UpdatedAt">Last change.</param>
/// <param name="History">Every revision, oldest first.</param>
public sealed record EndpointDetail(
    string Name,
    int ActiveRevision,
    IReadOnlyList<EndpointRoute> Routes,
    EndpointBatching Batching,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<EndpointRevision> History);

/// <summary>An endpoint in the list.</summary>
/// <param name="Name">Endpoint name.</param>
/// <param name="ActiveRevision">The revision serving now.</param>
/// <param name="Routes">The active routes, aliases resolved.</param>
/// <param name="Batching">Adaptive batching.</param>
/// <param name="UpdatedAt">Last change.</param>
public sealed record EndpointSummary(string Name, int ActiveRevision, IReadOnlyList<EndpointRoute> Routes, EndpointBatching Batching, DateTimeOffset UpdatedAt);

/// <summary>Every endpoint, by name.</summary>
/// <param name="Endpoints">The endpoints.</param>
public sealed record EndpointList(IReadOnlyList<EndpointSummary> Endpoints);
