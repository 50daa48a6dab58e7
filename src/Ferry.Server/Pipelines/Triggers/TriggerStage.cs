using Ferry.Core.Contracts;
using Ferry.Core.Pipelines;
using Ferry.Core.Serving;

namespace Ferry.Server.Pipelines.Triggers;

/// <summary>
/// The loop's trigger stage (order 100). On every tick it brings the pipelines' cron schedules in step with the
/// pipelines table (<see cref="PipelineSchedules.ReconcileAsync"/>) and runs the new-labels trigger: an enabled
/// pipeline with <see cref="PipelineTriggers.NewLabels"/> = N fires (kind <c>labels</c>) once N or more of its
/// endpoint's predictions got ground truth since its last started firing (or since it was created). The condition
/// holds until a run starts, so it is only tried when a run could start (no active run, cool-down over): a busy or
/// cooling-down pipeline records no firing on every tick. Alerts fire from <see cref="AlertTriggers"/>, at once.
/// </summary>
public sealed partial class TriggerStage(
    IPipelineStore pipelines,
    IFeedbackStore feedback,
    PipelineFiring firing,
    PipelineSchedules schedules,
    TimeProvider clock,
    ILogger<TriggerStage> logger) : ILoopStage
{
    /// <summary>How many of a pipeline's newest firings are searched for its last started one (as the cool-down does).</summary>
    private const int FiringsSearched = 200;

    /// <inheritdoc />
    public int Order => 100;

    /// <inheritdoc />
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        var all = await pipelines.ListAsync(null, cancellationToken);
        await schedules.ReconcileAsync(all, cancellationToken);
        foreach (var pipeline in all.Where(p => p.Enabled))
        {
            if (TriggerSpecs.Of(pipeline, logger) is { NewLabels: > 0 } triggers)
            {
                await FireOnLabelsAsync(pipeline, triggers, cancellationToken);
            }
        }
    }

    /// <summary>Fires <paramref name="pipeline"/> when enough new labels arrived and a run could start; returns the firing, or null.</summary>
    public async Task<TriggerFiring?> FireOnLabelsAsync(TrainingPipeline pipeline, PipelineTriggers triggers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(triggers);
        var threshold = triggers.NewLabels.GetValueOrDefault();
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var lastStarted = (await pipelines.ListFiringsAsync(pipeline.Name, FiringsSearched, cancellationToken))
            .FirstOrDefault(f => f.Outcome == FiringOutcomes.Started);
        if (lastStarted is not null && now - lastStarted.At < (long)(triggers.CooldownMinutes * 60_000))
        {
            return null;
        }

        if (await pipelines.ListRunsAsync(pipeline.Name, null, 1, cancellationToken) is [{ Active: true }, ..])
        {
            return null;
        }

        var since = lastStarted?.At ?? pipeline.CreatedAt;
        var count = await feedback.CountReceivedSinceAsync(pipeline.EndpointName, since, cancellationToken);
        if (count < threshold)
        {
            return null;
        }

        var reason = $"{count} new labelled rows since {AlertView.Iso(since)} (threshold {threshold})";
        var (recorded, _) = await firing.FireAsync(pipeline.Name, TriggerKinds.Labels, reason, pipeline.EndpointName, LoopActors.Loop, cancellationToken);
        LogFired(logger, pipeline.Name, count, recorded.Outcome);
        return recorded;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pipeline {Pipeline} fired on {Count} new labelled rows: {Outcome}")]
    private static partial void LogFired(ILogger logger, string pipeline, int count, string outcome);
}
