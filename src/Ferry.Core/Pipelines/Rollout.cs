namespace Ferry.Core.Pipelines;

/// <summary>
/// A canary ramp of a challenger on an endpoint: its traffic share rises step by step (<see cref="PromotionPlan.Steps"/>),
/// each step held for <see cref="HoldMs"/> while guards watch it; it ends promoted (the alias moves) or rolled back (the
/// champion takes all traffic again, an alert opens). Times are epoch ms.
/// </summary>
public sealed class Rollout
{
    /// <summary>Surrogate key.</summary>
    public Guid Id { get; set; }

    /// <summary>The endpoint.</summary>
    public required string EndpointName { get; set; }

    /// <summary>The registered model.</summary>
    public required string ModelName { get; set; }

    /// <summary>The version serving before the ramp.</summary>
    public int ChampionVersion { get; set; }

    /// <summary>The version ramped up.</summary>
    public int ChallengerVersion { get; set; }

    /// <summary>The pipeline run, if the loop started it.</summary>
    public Guid? PipelineRunId { get; set; }

    /// <summary>The evaluation that allowed it.</summary>
    public Guid? EvaluationId { get; set; }

    /// <summary>The steps in percent, comma-separated (e.g. <c>10,50,100</c>).</summary>
    public string Steps { get; set; } = "10,50,100";

    /// <summary>Index into <see cref="Steps"/> of the step in force.</summary>
    public int StepIndex { get; set; }

    /// <summary>When the step in force started.</summary>
    public long StepStartedAt { get; set; }

    /// <summary>Hold per step.</summary>
    public long HoldMs { get; set; }

    /// <summary>The <see cref="RampGuards"/> in force, JSON.</summary>
    public string GuardsJson { get; set; } = "{}";

    /// <summary>The alias moved at the end.</summary>
    public string Alias { get; set; } = "champion";

    /// <summary>The endpoint's policy revision before the ramp (what a rollback restores).</summary>
    public int BaselineRevision { get; set; }

    /// <summary><see cref="RolloutStatus"/>.</summary>
    public string Status { get; set; } = RolloutStatus.Ramping;

    /// <summary>Why it ended, in words.</summary>
    public string? Reason { get; set; }

    /// <summary>Who started it.</summary>
    public string StartedBy { get; set; } = string.Empty;

    /// <summary>When it started.</summary>
    public long StartedAt { get; set; }

    /// <summary>When it ended.</summary>
    public long? EndedAt { get; set; }

    /// <summary>The steps as numbers.</summary>
    public IReadOnlyList<int> StepList() =>
        [.. Steps.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture))];
}

/// <summary><see cref="Rollout.Status"/> values.</summary>
public static class RolloutStatus
{
    /// <summary>Moving.</summary>
    public const string Ramping = "ramping";

    /// <summary>Ended at 100 % with the alias moved.</summary>
    public const string Promoted = "promoted";

    /// <summary>A guard failed; the champion has all traffic again.</summary>
    public const string RolledBack = "rolled_back";

    /// <summary>Stopped by a user; the champion has all traffic again.</summary>
    public const string Cancelled = "cancelled";
}

/// <summary>One thing that happened in a ramp (a step taken, a guard judged, the end). Times are epoch ms.</summary>
public sealed class RolloutEvent
{
    /// <summary>Row id.</summary>
    public long Id { get; set; }

    /// <summary>The ramp.</summary>
    public Guid RolloutId { get; set; }

    /// <summary>When.</summary>
    public long At { get; set; }

    /// <summary><c>step</c>, <c>guards</c>, <c>promoted</c>, <c>rolled_back</c>, <c>cancelled</c>.</summary>
    public required string Kind { get; set; }

    /// <summary>The challenger's share after it, in percent.</summary>
    public int Percent { get; set; }

    /// <summary>What happened, in words.</summary>
    public string Detail { get; set; } = string.Empty;

    /// <summary>The guards' measurements, JSON, when judged.</summary>
    public string? GuardsJson { get; set; }
}

/// <summary>Port: canary ramps and their events.</summary>
public interface IRolloutStore
{
    /// <summary>Stores a new ramp; refuses (ConflictException) a second ramping one on the same endpoint.</summary>
    Task<Rollout> AddAsync(Rollout rollout, CancellationToken cancellationToken = default);

    /// <summary>Saves a changed ramp, with an event when given.</summary>
    Task UpdateAsync(Rollout rollout, RolloutEvent? change, CancellationToken cancellationToken = default);

    /// <summary>A ramp by id, or null.</summary>
    Task<Rollout?> FindAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Ramps, newest first, optionally of one endpoint and/or only those still ramping; at most <paramref name="limit"/> (1..1000).</summary>
    Task<IReadOnlyList<Rollout>> ListAsync(string? endpointName, bool rampingOnly, int limit, CancellationToken cancellationToken = default);

    /// <summary>A ramp's events, oldest first.</summary>
    Task<IReadOnlyList<RolloutEvent>> ListEventsAsync(Guid rolloutId, CancellationToken cancellationToken = default);
}
