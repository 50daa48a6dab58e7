using System.Globalization;
using System.Security.Claims;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Governance;
using Ferry.Core.Identity;
using Ferry.Core.Pipelines;
using Ferry.Server.Governance;

namespace Ferry.Server.Pipelines.Promotion;

/// <summary>
/// The loop's promotion stage (order 500). A run in <see cref="LoopPhases.Promoting"/> gets what its pipeline's
/// <see cref="PromotionPlan"/> and the model's effective policy decide: mode <c>auto</c> opens a promotion request for a
/// governed model (its policy needs approvals to move the alias) and starts a canary ramp otherwise; <c>ramp</c> ramps
/// (a governed model gets a request: its policy wins); <c>request</c> opens a request with the evaluation as evidence;
/// <c>none</c> rejects the run, leaving the challenger registered. Ramps (the loop's and those started by hand) move on
/// through <see cref="RolloutService"/>; a run in <see cref="LoopPhases.AwaitingApproval"/> follows its request:
/// approved → <see cref="LoopPhases.Promoted"/> (the endpoint follows the alias), rejected, withdrawn or expired →
/// <see cref="LoopPhases.Rejected"/>. Each decision on a run is audited as <c>pipeline.promotion</c> by <c>ferry-loop</c>.
/// </summary>
public sealed partial class PromotionStage(
    IPipelineStore pipelines,
    IRolloutStore rollouts,
    IChallengerEvaluationStore evaluations,
    RolloutService ramps,
    PromotionService promotions,
    PolicyResolver policies,
    IAuditLog audit,
    TimeProvider clock,
    ILogger<PromotionStage> logger) : ILoopStage
{
    /// <summary>The rejection of mode <c>none</c>.</summary>
    public const string NoneError = "promotion mode none: the challenger stays registered for a person to promote";

    /// <inheritdoc />
    public int Order => 500;

    /// <inheritdoc />
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        foreach (var run in await pipelines.ListRunsInPhasesAsync([LoopPhases.Promoting, LoopPhases.AwaitingApproval], cancellationToken))
        {
            try
            {
                if (run.Phase == LoopPhases.Promoting)
                {
                    await PromoteAsync(run, cancellationToken);
                }
                else
                {
                    await FollowRequestAsync(run, cancellationToken);
                }
            }
            catch (Exception e) when (e is ValidationException or ConflictException or NotFoundException or AlreadyExistsException)
            {
                await MoveAsync(run, LoopPhases.Failed, $"promotion failed: {e.Message}", cancellationToken);
            }
        }

        foreach (var rollout in await rollouts.ListAsync(null, true, 1000, cancellationToken))
        {
            try
            {
                await ramps.AdvanceAsync(rollout, cancellationToken);
            }
            catch (Exception e) when (e is ValidationException or ConflictException or NotFoundException)
            {
                LogRampFailed(logger, rollout.Id, rollout.EndpointName, e);
            }
        }

        // A run whose ramp ended outside a tick (cancelled by hand) has been moved there already; this catches a crash in between.
        foreach (var run in await pipelines.ListRunsInPhasesAsync([LoopPhases.RollingOut], cancellationToken))
        {
            if (run.RolloutId is { } id && await rollouts.FindAsync(id, cancellationToken) is { } rollout && rollout.Status != RolloutStatus.Ramping)
            {
                await MoveAsync(run, rollout.Status == RolloutStatus.Promoted ? LoopPhases.Promoted : LoopPhases.RolledBack,
                    rollout.Status == RolloutStatus.Promoted ? null : rollout.Reason, cancellationToken);
            }
        }
    }

    /// <summary>The principal the loop opens promotion requests as.</summary>
    public static ClaimsPrincipal LoopPrincipal { get; } = new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, LoopActors.Loop), new Claim(ClaimTypes.Role, Role.Scientist.ToWireName())], LoopActors.Loop));

    private async Task PromoteAsync(PipelineRun run, CancellationToken cancellationToken)
    {
        var pipeline = await pipelines.FindByIdAsync(run.PipelineId, cancellationToken)
            ?? throw new NotFoundException($"pipeline '{run.PipelineName}' no longer exists");
        var plan = pipeline.Spec().Promotion;
        if (run.ChallengerVersion is not { } challenger)
        {
            throw new ValidationException("challengerVersion", "the run has no challenger version to promote");
        }

        var mode = plan.Mode.Trim().ToLowerInvariant();
        if (mode == "none")
        {
            await MoveAsync(run, LoopPhases.Rejected, NoneError, cancellationToken);
            return;
        }

        if (mode is not ("auto" or "ramp" or "request"))
        {
            throw new ValidationException("promotion.mode", $"'{plan.Mode}' is not auto, ramp, request or none");
        }

        var governed = (await policies.ResolveAsync(pipeline.ModelName, cancellationToken)).Policy.Governed;
        var evaluation = run.EvaluationId is { } evaluationId ? await evaluations.FindAsync(evaluationId, cancellationToken) : null;
        if (mode == "request" || governed)
        {
            var request = await promotions.RequestAsync(pipeline.ModelName, challenger,
                new PromotionAsk(plan.Alias, null, Justification(pipeline, run, evaluation)), LoopPrincipal, cancellationToken);
            run.PromotionRequestId = request.Id;
            await MoveAsync(run, LoopPhases.AwaitingApproval, null, cancellationToken,
                $"promotion request {request.Id} opened for v{challenger} to take '{plan.Alias}'" + (governed ? " (the model is governed)" : string.Empty));
            return;
        }

        var rollout = await ramps.StartAsync(new RampRequest(pipeline.EndpointName, pipeline.ModelName, challenger, plan.Steps, plan.HoldMinutes, plan.Guards,
            plan.Alias, Force: false, RunId: run.Id, EvaluationId: run.EvaluationId), LoopActors.Loop, cancellationToken);
        run.RolloutId = rollout.Id;
        await MoveAsync(run, LoopPhases.RollingOut, null, cancellationToken, $"ramp {rollout.Id} started: {rollout.Steps} %");
    }

    private async Task FollowRequestAsync(PipelineRun run, CancellationToken cancellationToken)
    {
        if (run.PromotionRequestId is not { } id)
        {
            throw new ValidationException("promotionRequestId", "the run awaits approval but names no promotion request");
        }

        var request = await promotions.GetAsync(id, cancellationToken);
        switch (request.State)
        {
            case PromotionStates.Approved:
                var pipeline = await pipelines.FindByIdAsync(run.PipelineId, cancellationToken);
                if (pipeline is not null && request.TargetAlias is { } alias)
                {
                    await ramps.FollowAliasAsync(pipeline.EndpointName, request.ModelName, alias, cancellationToken);
                }

                await MoveAsync(run, LoopPhases.Promoted, null, cancellationToken, $"promotion request {id} approved");
                break;
            case PromotionStates.Pending:
                break;
            default:
                var last = request.Decisions.LastOrDefault();
                var why = last is { Comment.Length: > 0 } ? $" by {last.Actor}: {last.Comment}" : request.ClosedBy is { } by ? $" by {by}" : string.Empty;
                await MoveAsync(run, LoopPhases.Rejected, $"promotion request {id} {request.State}{why}", cancellationToken);
                break;
        }
    }

    private static string Justification(TrainingPipeline pipeline, PipelineRun run, ChallengerEvaluation? evaluation)
    {
        var head = $"Challenger v{run.ChallengerVersion} from pipeline '{pipeline.Name}' run {run.Number} ({run.TriggerKind}: {run.TriggerReason}).";
        if (evaluation is null)
        {
            return head + " No challenger evaluation is attached.";
        }

        return head + string.Create(CultureInfo.InvariantCulture,
            $" Evidence: challenger evaluation {evaluation.Id}: {evaluation.Metric} {evaluation.ChallengerValue:0.####} against the champion v{evaluation.ChampionVersion}'s {evaluation.ChampionValue:0.####} " +
            $"on {evaluation.Rows} held-out production rows, difference interval [{evaluation.DifferenceLow:0.####}, {evaluation.DifferenceHigh:0.####}], " +
            $"{evaluation.PairedTest} p = {evaluation.PValue:0.####}, verdict {evaluation.Verdict}. {evaluation.Summary}").TrimEnd();
    }

    private async Task MoveAsync(PipelineRun run, string phase, string? error, CancellationToken cancellationToken, string? detail = null)
    {
        var from = run.Phase;
        run.Phase = phase;
        run.Error = error;
        run.UpdatedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await pipelines.UpdateRunAsync(run, cancellationToken);
        await audit.RecordAsync(LoopActors.Loop, AuditRecord.Of("pipeline.promotion", $"pipeline:{run.PipelineName}/{run.Number}", new
        {
            Run = run.Id,
            From = from,
            To = phase,
            Detail = detail ?? error,
            run.ChallengerVersion,
            run.EvaluationId,
            run.RolloutId,
            run.PromotionRequestId,
        }), cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The ramp {Rollout} on {Endpoint} could not move on; the next tick tries again")]
    private static partial void LogRampFailed(ILogger logger, Guid rollout, string endpoint, Exception exception);
}
