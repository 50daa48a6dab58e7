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

/// <summary>The body of a durability change.</summary>
/// <param name="Durability">"buffered" (answer once queued) or "durable" (answer once committed).</param>
public sealed record DurabilityRequest(string Durability);

/// <summary>The body of a change to what <c>/invocations</c> answers.</summary>
/// <param name="InvocationsOutput">"predict" (labels, the default), "predict_proba" (class probabilities) or "outputs" (every named output).</param>
public sealed record InvocationsOutputRequest(string InvocationsOutput);
