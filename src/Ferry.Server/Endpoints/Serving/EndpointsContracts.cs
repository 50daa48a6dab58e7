namespace Ferry.Server.Endpoints.Serving;

/// <summary>One route of a deploy request: a model and exactly one of a version or an alias.</summary>
public sealed record DeployRouteBody
{
    /// <summary>The registered model.</summary>
    public string? Model { get; init; }

    /// <summary>A fixed version (a number, or its text).</summary>
    public int? Version { get; init; }

    /// <summary>An alias to follow (the endpoint re-points when it moves).</summary>
    public string? Alias { get; init; }

    /// <summary>"weighted" (the default) or "shadow".</summary>
    public string? Role { get; init; }

    /// <summary>Relative share of traffic for a weighted route (default 100); ignored for shadows.</summary>
    public int? Weight { get; init; }
}

/// <summary>The body of <c>PUT /api/v1/endpoints/{name}</c>: the whole new policy.</summary>
public sealed record DeployBody
{
    /// <summary>Weighted routes and shadows.</summary>
    public IReadOnlyList<DeployRouteBody?>? Routes { get; init; }

    /// <summary>Deploy even if a new version would reject records the endpoint accepts now.</summary>
    public bool Force { get; init; }

    /// <summary>When given, also sets what <c>/invocations</c> answers: "predict", "predict_proba" or "outputs" (else it stays).</summary>
    public string? InvocationsOutput { get; init; }
}

/// <summary>The body of <c>PUT /api/v1/endpoints/{name}/batching</c>.</summary>
public sealed record BatchingBody
{
    /// <summary>Largest batch, 1 (off) to 4096.</summary>
    public int? MaxBatchSize { get; init; }

    /// <summary>Longest a request waits for others, 0 to 1,000,000 microseconds.</summary>
    public int? MaxDelayMicros { get; init; }
}

/// <summary>The body of <c>PUT /api/v1/endpoints/{name}/invocations-output</c>.</summary>
public sealed record InvocationsOutputBody
{
    /// <summary>"predict" (labels, the default), "predict_proba" (class probabilities) or "outputs" (every named output).</summary>
    public string? InvocationsOutput { get; init; }
}

/// <summary>The body of <c>PUT /api/v1/endpoints/{name}/durability</c>.</summary>
public sealed record DurabilityBody
{
    /// <summary>"buffered" (answer once queued) or "durable" (answer once committed).</summary>
    public string? Durability { get; init; }
}
