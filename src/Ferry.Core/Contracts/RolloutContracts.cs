using System.Text.Json;
using Ferry.Core.Pipelines;

namespace Ferry.Core.Contracts;

/// <summary>
/// <c>POST /api/v1/endpoints/{name}/rollouts</c>'s body: a guarded canary ramp of <paramref name="Version"/> started by hand.
/// Absent fields take the pipeline defaults (steps 10, 50, 100; 30 minutes a step; the default guards; alias champion).
/// </summary>
/// <param name="Model">The registered model the endpoint serves.</param>
/// <param name="Version">The challenger version.</param>
/// <param name="Steps">The challenger's traffic shares in percent, rising, ending at 100.</param>
/// <param name="HoldMinutes">How long each step holds before its guards are judged.</param>
/// <param name="Guards">The guards; absent members take their defaults.</param>
/// <param name="Alias">The alias moved to the challenger when the ramp ends promoted.</param>
/// <param name="Force">Deploy the first step even when the challenger's signature would refuse records the champion accepts.</param>
public sealed record StartRolloutRequest(string? Model, int? Version, IReadOnlyList<int>? Steps = null, double? HoldMinutes = null,
    RampGuards? Guards = null, string? Alias = null, bool Force = false);

/// <summary>One thing that happened in a ramp.</summary>
/// <param name="At">When.</param>
/// <param name="Kind"><c>step</c>, <c>guards</c>, <c>promoted</c>, <c>rolled_back</c> or <c>cancelled</c>.</param>
/// <param name="Percent">The challenger's share after it.</param>
/// <param name="Detail">What happened, in words.</param>
/// <param name="Guards">The guards' measurements when judged.</param>
public sealed record RolloutEventView(DateTimeOffset At, string Kind, int Percent, string Detail, JsonElement? Guards);

/// <summary>A canary ramp.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Endpoint">The endpoint.</param>
/// <param name="Model">The registered model.</param>
/// <param name="ChampionVersion">The version serving before.</param>
/// <param name="ChallengerVersion">The version ramped up.</param>
/// <param name="Status"><c>ramping</c>, <c>promoted</c>, <c>rolled_back</c> or <c>cancelled</c>.</param>
/// <param name="Steps">The steps in percent.</param>
/// <param name="StepIndex">The step in force (0-based).</param>
/// <param name="Percent">The challenger's share now (0 once rolled back or cancelled).</param>
/// <param name="HoldMinutes">Hold per step.</param>
/// <param name="StepStartedAt">When the step in force started.</param>
/// <param name="Guards">The guards.</param>
/// <param name="Alias">The alias moved at the end.</param>
/// <param name="BaselineRevision">The endpoint's revision a rollback restores.</param>
/// <param name="PipelineRunId">The pipeline run, when the loop started it.</param>
/// <param name="EvaluationId">The evaluation that allowed it.</param>
/// <param name="Reason">Why it ended.</param>
/// <param name="StartedBy">Who started it.</param>
/// <param name="StartedAt">When.</param>
/// <param name="EndedAt">When it ended.</param>
/// <param name="Events">Its events, oldest first (in a single ramp's view).</param>
public sealed record RolloutView(Guid Id, string Endpoint, string Model, int ChampionVersion, int ChallengerVersion, string Status,
    IReadOnlyList<int> Steps, int StepIndex, int Percent, double HoldMinutes, DateTimeOffset StepStartedAt, RampGuards Guards, string Alias,
    int BaselineRevision, Guid? PipelineRunId, Guid? EvaluationId, string? Reason, string StartedBy, DateTimeOffset StartedAt, DateTimeOffset? EndedAt,
    IReadOnlyList<RolloutEventView>? Events);

/// <summary><c>GET /api/v1/rollouts</c>'s answer, newest first.</summary>
/// <param name="Rollouts">The ramps.</param>
public sealed record RolloutListView(IReadOnlyList<RolloutView> Rollouts);
