using Ferry.Core.Errors;
using Ferry.Core.Pipelines;

namespace Ferry.Server.Pipelines;

/// <summary>
/// Fires a pipeline: records the firing with its reason and, unless the pipeline is disabled, busy (a run in progress),
/// or, for an automatic trigger, cooling down (a run started less than <see cref="PipelineTriggers.CooldownMinutes"/>
/// ago), queues a run in <see cref="LoopPhases.Queued"/>. Manual firings skip the cool-down. Every trigger goes
/// through here.
/// </summary>
public sealed class PipelineFiring(IPipelineStore pipelines, TimeProvider clock)
{
    /// <summary>Fires <paramref name="pipelineName"/>; NotFoundException for an unknown pipeline.</summary>
    /// <param name="pipelineName">The pipeline.</param>
    /// <param name="kind"><see cref="TriggerKinds"/>.</param>
    /// <param name="reason">Why, in words.</param>
    /// <param name="source">What fired it (alert id, cron expression, user).</param>
    /// <param name="actor">Who asks (a user for manual runs, <see cref="LoopActors.Loop"/> otherwise).</param>
    /// <param name="cancellationToken">Cancels.</param>
    public async Task<(TriggerFiring Firing, PipelineRun? Run)> FireAsync(string pipelineName, string kind, string reason, string? source, string actor, CancellationToken cancellationToken = default)
    {
        var pipeline = await pipelines.FindAsync(pipelineName, cancellationToken)
            ?? throw new NotFoundException($"pipeline '{pipelineName}' does not exist");
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var outcome = FiringOutcomes.Started;
        if (!pipeline.Enabled)
        {
            outcome = FiringOutcomes.Disabled;
        }
        else if (kind != TriggerKinds.Manual)
        {
            var cooldownMs = (long)(pipeline.Spec().Triggers.CooldownMinutes * 60_000);
            var lastStarted = (await pipelines.ListFiringsAsync(pipeline.Name, 200, cancellationToken))
                .FirstOrDefault(f => f.Outcome == FiringOutcomes.Started);
            if (lastStarted is not null && now - lastStarted.At < cooldownMs)
            {
                outcome = FiringOutcomes.CoolingDown;
            }
        }

        var firing = new TriggerFiring
        {
            PipelineId = pipeline.Id,
            PipelineName = pipeline.Name,
            Kind = kind,
            Reason = reason.Length <= 2000 ? reason : reason[..2000],
            Source = source is { Length: > 256 } ? source[..256] : source,
            Outcome = outcome,
            At = now,
        };
        var run = outcome == FiringOutcomes.Started
            ? new PipelineRun { PipelineName = pipeline.Name, RequestedBy = actor, Phase = LoopPhases.Queued, Status = PipelineRunStatus.Pending }
            : null;
        return await pipelines.FireAsync(firing, run, cancellationToken);
    }
}
