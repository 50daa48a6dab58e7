namespace Ferry.Core.Contracts;

/// <summary>A route as the API shows it.</summary>
/// <param name="Model">Registered model.</param>
/// <param name="Version">The fixed version, or null for an alias route.</param>
/// <param name="Alias">The alias followed, or null.</param>
/// <param name="Role">"weighted" or "shadow".</param>
/// <param name="Weight">Relative share (0 for shadows).</param>
/// <param name="ResolvedVersion">The version serving now (an alias's current target); null when it no longer resolves, and in history.</param>
/// <param name="Flavor">The serving version's flavor, when resolved.</param>
public sealed record RouteView(string Model, int? Version, string? Alias, string Role, int Weight, int? ResolvedVersion, string? Flavor);

/// <summary>One revision of the traffic policy.</summary>
/// <param name="Revision">1, 2, ...</param>
/// <param name="Active">True for the revision serving now.</param>
/// <param name="CreatedBy">Who made it.</param>
/// <param name="CreatedAt">When.</param>
/// <param name="Routes">Its routes (versions as deployed; aliases unresolved).</param>
public sealed record RevisionView(int Revision, bool Active, string CreatedBy, DateTimeOffset CreatedAt, IReadOnlyList<RouteView> Routes);

/// <summary>Adaptive batching settings.</summary>
/// <param name="MaxBatchSize">Largest batch (1 = off).</param>
/// <param name="MaxDelayMicros">Longest wait, microseconds.</param>
public sealed record BatchingView(int MaxBatchSize, int MaxDelayMicros);

/// <summary>An endpoint: its active policy with resolved versions, batching, and its history (oldest first).</summary>
/// <param name="Name">Endpoint name.</param>
/// <param name="ActiveRevision">The revision serving now.</param>
/// <param name="Routes">The active routes, aliases resolved now.</param>
/// <param name="Batching">Adaptive batching.</param>
/// <param name="CreatedBy">Who created it.</param>
/// <param name="CreatedAt">When.</param>
/// <param name="UpdatedAt">Last change.</param>
/// <param name="History">Every revision, oldest first.</param>
/// <param name="Durability">"buffered" (answers once the rows are queued) or "durable" (once they are committed).</param>
/// <param name="InvocationsOutput">What <c>/invocations</c> answers per row: "predict", "predict_proba" or "outputs".</param>
public sealed record EndpointView(
    string Name,
    int ActiveRevision,
    IReadOnlyList<RouteView> Routes,
    BatchingView Batching,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<RevisionView> History,
    string Durability = EndpointDurabilityNames.Buffered,
    string InvocationsOutput = InvocationsOutputNames.Predict)
{
    /// <summary>True while an approver has suspended the endpoint: it answers its fallback instead of a score.</summary>
    public bool Suspended { get; init; }

    /// <summary>Who suspended it (while suspended).</summary>
    public string? SuspendedBy { get; init; }

    /// <summary>When it was suspended (while suspended).</summary>
    public DateTimeOffset? SuspendedAt { get; init; }

    /// <summary>Why it was suspended (while suspended).</summary>
    public string? SuspendReason { get; init; }
}

/// <summary>The wire names of an endpoint's prediction-log durability.</summary>
public static class EndpointDurabilityNames
{
    /// <summary>Answers once the rows are queued; they are written within the flush interval.</summary>
    public const string Buffered = "buffered";

    /// <summary>Answers only once the rows are committed.</summary>
    public const string Durable = "durable";
}

/// <summary>The wire names of what an endpoint's MLflow scoring route answers (MLflow's <c>pyfunc_predict_fn</c> names).</summary>
public static class InvocationsOutputNames
{
    /// <summary>Labels (classifiers) or values (regressors), the default.</summary>
    public const string Predict = "predict";

    /// <summary>Class probabilities per row, in the model's class order.</summary>
    public const string PredictProba = "predict_proba";

    /// <summary>Every named output, one object per row.</summary>
    public const string Outputs = "outputs";

    /// <summary>Every name, in order.</summary>
    public static IReadOnlyList<string> All { get; } = [Predict, PredictProba, Outputs];

    /// <summary>The wire name of <paramref name="output"/>.</summary>
    public static string Of(Serving.InvocationsOutput output) => output switch
    {
        Serving.InvocationsOutput.PredictProba => PredictProba,
        Serving.InvocationsOutput.Outputs => Outputs,
        _ => Predict,
    };

    /// <summary>Reads a wire name (case-insensitive, surrounding spaces ignored); null when it is none.</summary>
    public static Serving.InvocationsOutput? Parse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        Predict => Serving.InvocationsOutput.Predict,
        PredictProba => Serving.InvocationsOutput.PredictProba,
        Outputs => Serving.InvocationsOutput.Outputs,
        _ => null,
    };
}

/// <summary>An endpoint in the list: its active routes, resolved.</summary>
/// <param name="Name">Endpoint name.</param>
/// <param name="ActiveRevision">The revision serving now.</param>
/// <param name="Routes">The active routes, aliases resolved now.</param>
/// <param name="Batching">Adaptive batching.</param>
/// <param name="UpdatedAt">Last change.</param>
/// <param name="Durability">"buffered" or "durable".</param>
/// <param name="InvocationsOutput">What <c>/invocations</c> answers per row: "predict", "predict_proba" or "outputs".</param>
public sealed record EndpointSummaryView(string Name, int ActiveRevision, IReadOnlyList<RouteView> Routes, BatchingView Batching, DateTimeOffset UpdatedAt,
    string Durability = EndpointDurabilityNames.Buffered, string InvocationsOutput = InvocationsOutputNames.Predict)
{
    /// <summary>True while an approver has suspended the endpoint: it answers its fallback instead of a score.</summary>
    public bool Suspended { get; init; }

    /// <summary>Who suspended it (while suspended).</summary>
    public string? SuspendedBy { get; init; }

    /// <summary>When it was suspended (while suspended).</summary>
    public DateTimeOffset? SuspendedAt { get; init; }

    /// <summary>Why it was suspended (while suspended).</summary>
    public string? SuspendReason { get; init; }
}

/// <summary>Every endpoint, by name.</summary>
/// <param name="Endpoints">The endpoints.</param>
public sealed record EndpointListView(IReadOnlyList<EndpointSummaryView> Endpoints);
