namespace Ferry.Core.Serving;

/// <summary>
/// A named HTTP endpoint that serves model versions under a traffic policy. The policy is versioned: each change
/// adds a revision, and a rollback re-activates the previous one. Times are epoch ms.
/// </summary>
public sealed class ServingEndpoint
{
    /// <summary>Surrogate key.</summary>
    public Guid Id { get; set; }

    /// <summary>Unique name; the Open Inference Protocol's model name.</summary>
    public required string Name { get; set; }

    /// <summary>The active policy revision (1, 2, ...).</summary>
    public int ActiveRevision { get; set; }

    /// <summary>Adaptive batching: the largest batch (1 = off).</summary>
    public int MaxBatchSize { get; set; } = 1;

    /// <summary>Adaptive batching: how long a request may wait for others, in microseconds.</summary>
    public int MaxBatchDelayMicros { get; set; }

    /// <summary>Whether answers wait for their prediction-log rows to be committed (default buffered).</summary>
    public PredictionDurability Durability { get; set; } = PredictionDurability.Buffered;

    /// <summary>What the MLflow scoring route answers per row (default <see cref="Serving.InvocationsOutput.Predict"/>).</summary>
    public InvocationsOutput InvocationsOutput { get; set; } = InvocationsOutput.Predict;

    /// <summary>Who created it.</summary>
    public string CreatedBy { get; set; } = string.Empty;

    /// <summary>Creation time, epoch ms.</summary>
    public long CreatedAt { get; set; }

    /// <summary>Last change, epoch ms.</summary>
    public long UpdatedAt { get; set; }

    /// <summary>Every policy revision, oldest first.</summary>
    public List<TrafficPolicy> Policies { get; set; } = [];
}

/// <summary>One revision of an endpoint's traffic policy: weighted routes, and shadows that see copies.</summary>
public sealed class TrafficPolicy
{
    /// <summary>Surrogate key.</summary>
    public Guid Id { get; set; }

    /// <summary>The endpoint.</summary>
    public Guid EndpointId { get; set; }

    /// <summary>1, 2, ... per endpoint.</summary>
    public int Revision { get; set; }

    /// <summary>Who made it.</summary>
    public string CreatedBy { get; set; } = string.Empty;

    /// <summary>When, epoch ms.</summary>
    public long CreatedAt { get; set; }

    /// <summary>The routes.</summary>
    public List<TrafficRoute> Routes { get; set; } = [];
}

/// <summary>How a route takes part in traffic.</summary>
public enum RouteRole
{
    /// <summary>Answers callers, with a share of traffic given by its weight.</summary>
    Weighted = 1,

    /// <summary>Receives a copy of every request; its answer is logged, never returned.</summary>
    Shadow = 2,
}

/// <summary>
/// A route of a policy: a model version fixed by number, or followed through an alias (re-pointed when the alias
/// moves).
/// </summary>
public sealed class TrafficRoute
{
    /// <summary>Surrogate key.</summary>
    public Guid Id { get; set; }

    /// <summary>The policy.</summary>
    public Guid PolicyId { get; set; }

    /// <summary>Registered model name.</summary>
    public required string ModelName { get; set; }

    /// <summary>A fixed version, or null when <see cref="Alias"/> is followed.</summary>
    public int? Version { get; set; }

    /// <summary>An alias to follow, or null when <see cref="Version"/> is fixed.</summary>
    public string? Alias { get; set; }

    /// <summary>Weighted or shadow.</summary>
    public RouteRole Role { get; set; } = RouteRole.Weighted;

    /// <summary>Share of traffic for weighted routes (weights are relative; 0..100 by convention).</summary>
    public int Weight { get; set; }
}
