using System.Security.Claims;
using System.Text.Json;
using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Core.Pipelines;
using Ferry.Server.Identity;
using Ferry.Server.Pipelines.Promotion;

namespace Ferry.Server.Endpoints.Rollouts;

/// <summary>
/// Canary ramps (<c>/api/v1/rollouts</c>): viewers read them; scientists start one by hand on an endpoint
/// (<c>POST /api/v1/endpoints/{name}/rollouts</c>) and cancel one (back to the baseline's routes; a pipeline run's ramp
/// leaves its run <c>rolled_back</c> with the reason "cancelled by …").
/// </summary>
public static class RolloutsApi
{
    /// <summary>Maps the ramp routes.</summary>
    public static IEndpointRouteBuilder MapRolloutsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/rollouts").WithTags("Rollouts").RequireAuthorization(FerryPolicies.Viewer);
        group.MapGet("/", ListAsync).WithName("ListRollouts").WithSummary("Canary ramps, newest first: ?endpoint=, ?active=true (only those ramping), ?limit= (default 100).");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetRollout").WithSummary("A ramp with its steps, guards and events.");
        group.MapPost("/{id:guid}/cancel", CancelAsync).RequireAuthorization(FerryPolicies.Scientist).WithName("CancelRollout")
            .WithSummary("Cancels a ramp: the endpoint's baseline routes again, status cancelled.");
        routes.MapPost("/api/v1/endpoints/{name}/rollouts", StartAsync).WithTags("Rollouts").RequireAuthorization(FerryPolicies.Scientist).WithName("StartRollout")
            .WithSummary("Starts a guarded canary ramp by hand: {\"model\", \"version\", \"steps\", \"holdMinutes\", \"guards\", \"alias\", \"force\"}.");
        return routes;
    }

    /// <summary>Lists ramps.</summary>
    public static async Task<IResult> ListAsync(string? endpoint, bool? active, int? limit, IRolloutStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var found = await store.ListAsync(endpoint, active ?? false, limit ?? 100, cancellationToken);
        return TypedResults.Json(new RolloutListView([.. found.Select(r => View(r, null))]), RolloutsJsonContext.Default.RolloutListView);
    }

    /// <summary>One ramp with its events.</summary>
    public static async Task<IResult> GetAsync(Guid id, IRolloutStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var rollout = await store.FindAsync(id, cancellationToken) ?? throw new NotFoundException($"No rollout has id {id}.");
        return TypedResults.Json(View(rollout, await store.ListEventsAsync(id, cancellationToken)), RolloutsJsonContext.Default.RolloutView);
    }

    /// <summary>Starts a ramp by hand.</summary>
    public static async Task<IResult> StartAsync(string name, HttpRequest request, RolloutService ramps, IRolloutStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ramps);
        ArgumentNullException.ThrowIfNull(store);
        var body = await RequestJson.DeserializeAsync(request, RolloutsJsonContext.Default.StartRolloutRequest, cancellationToken)
            ?? throw new ValidationException("body", "a JSON object is required");
        if (string.IsNullOrWhiteSpace(body.Model) || body.Version is not { } version)
        {
            throw new ValidationException(string.IsNullOrWhiteSpace(body.Model) ? "model" : "version", "is required");
        }

        var defaults = new PromotionPlan();
        var rollout = await ramps.StartAsync(new RampRequest(name, body.Model, version, body.Steps ?? defaults.Steps, body.HoldMinutes ?? defaults.HoldMinutes,
            body.Guards ?? defaults.Guards, body.Alias ?? defaults.Alias, body.Force), user.ActorName(), cancellationToken);
        return TypedResults.Json(View(rollout, await store.ListEventsAsync(rollout.Id, cancellationToken)), RolloutsJsonContext.Default.RolloutView,
            statusCode: StatusCodes.Status201Created);
    }

    /// <summary>Cancels a ramp.</summary>
    public static async Task<IResult> CancelAsync(Guid id, RolloutService ramps, IRolloutStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ramps);
        ArgumentNullException.ThrowIfNull(store);
        var rollout = await ramps.CancelAsync(id, user.ActorName(), cancellationToken);
        return TypedResults.Json(View(rollout, await store.ListEventsAsync(id, cancellationToken)), RolloutsJsonContext.Default.RolloutView);
    }

    /// <summary>A ramp as the API shows it.</summary>
    public static RolloutView View(Rollout rollout, IReadOnlyList<RolloutEvent>? events)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        var steps = rollout.StepList();
        var percent = rollout.Status switch
        {
            RolloutStatus.Ramping => steps[rollout.StepIndex],
            RolloutStatus.Promoted => 100,
            _ => 0,
        };
        return new RolloutView(rollout.Id, rollout.EndpointName, rollout.ModelName, rollout.ChampionVersion, rollout.ChallengerVersion, rollout.Status,
            steps, rollout.StepIndex, percent, rollout.HoldMs / 60_000.0, DateTimeOffset.FromUnixTimeMilliseconds(rollout.StepStartedAt),
            RolloutService.Guards(rollout), rollout.Alias, rollout.BaselineRevision, rollout.PipelineRunId, rollout.EvaluationId, rollout.Reason,
            rollout.StartedBy, DateTimeOffset.FromUnixTimeMilliseconds(rollout.StartedAt),
            rollout.EndedAt is { } ended ? DateTimeOffset.FromUnixTimeMilliseconds(ended) : null,
            events?.Select(e => new RolloutEventView(DateTimeOffset.FromUnixTimeMilliseconds(e.At), e.Kind, e.Percent, e.Detail,
                e.GuardsJson is null ? null : JsonDocument.Parse(e.GuardsJson).RootElement.Clone())).ToList());
    }
}
