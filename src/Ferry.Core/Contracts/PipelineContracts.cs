using System.Text.Json;
using Ferry.Core.Pipelines;

namespace Ferry.Core.Contracts;

/// <summary>The body of <c>POST /api/v1/pipelines</c> and <c>PUT /api/v1/pipelines/{name}</c>.</summary>
/// <param name="Name">The pipeline's name (create only; the route names it on PUT).</param>
/// <param name="Endpoint">The endpoint it retrains for (must exist).</param>
/// <param name="Model">The registered model its training registers versions of.</param>
/// <param name="Experiment">The experiment its runs are logged in; default <c>pipeline/{name}</c>.</param>
/// <param name="Enabled">False: triggers record firings but start nothing; default true.</param>
/// <param name="Spec">The <see cref="PipelineSpec"/> (camelCase JSON).</param>
public sealed record PipelineBody(string? Name, string? Endpoint, string? Model, string? Experiment, bool? Enabled, JsonElement? Spec);

/// <summary>A pipeline as the API shows it.</summary>
/// <param name="Name">Name.</param>
/// <param name="Endpoint">Its endpoint.</param>
/// <param name="Model">Its registered model.</param>
/// <param name="Experiment">Its experiment (empty: <c>pipeline/{name}</c>).</param>
/// <param name="Enabled">Whether it runs.</param>
/// <param name="Spec">Its whole spec, defaults filled in.</param>
/// <param name="CreatedBy">Who created it.</param>
/// <param name="CreatedAt">When.</param>
/// <param name="UpdatedAt">Last change.</param>
public sealed record PipelineView(string Name, string Endpoint, string Model, string Experiment, bool Enabled, JsonElement Spec, string CreatedBy,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>Projects a stored pipeline.</summary>
    public static PipelineView From(TrainingPipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        using var spec = JsonDocument.Parse(pipeline.Spec().ToJson());
        return new(pipeline.Name, pipeline.EndpointName, pipeline.ModelName, pipeline.ExperimentName, pipeline.Enabled, spec.RootElement.Clone(),
            pipeline.CreatedBy, DateTimeOffset.FromUnixTimeMilliseconds(pipeline.CreatedAt), DateTimeOffset.FromUnixTimeMilliseconds(pipeline.UpdatedAt));
    }
}

/// <summary>Pipelines by name.</summary>
/// <param name="Pipelines">The pipelines.</param>
public sealed record PipelineListView(IReadOnlyList<PipelineView> Pipelines);

/// <summary>What a run is linked to.</summary>
/// <param name="DatasetId">The dataset built for it.</param>
/// <param name="TrackingRunId">The tracking (MLflow) run its training logged to.</param>
/// <param name="ChampionVersion">The endpoint's champion when it started, as <c>model/version</c>.</param>
/// <param name="ChallengerVersion">The version it registered, as <c>model/version</c>.</param>
/// <param name="EvaluationId">The challenger evaluation.</param>
/// <param name="RolloutId">The canary ramp.</param>
/// <param name="PromotionRequestId">The promotion request (governed model).</param>
public sealed record PipelineRunLinks(Guid? DatasetId, string? TrackingRunId, string? ChampionVersion, string? ChallengerVersion, Guid? EvaluationId, Guid? RolloutId,
    Guid? PromotionRequestId);

/// <summary>The last lines of a run's logs.</summary>
/// <param name="Stdout">Standard output's last lines.</param>
/// <param name="Stderr">Standard error's last lines.</param>
public sealed record PipelineRunLogTails(string Stdout, string Stderr);

/// <summary>A pipeline run as the API shows it.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Pipeline">The pipeline.</param>
/// <param name="Number">1, 2, ... per pipeline.</param>
/// <param name="Phase">Where it is in the loop (<see cref="LoopPhases"/>).</param>
/// <param name="Status">What its training process did (<see cref="PipelineRunStatus"/>).</param>
/// <param name="Active">Until its phase is terminal.</param>
/// <param name="Trigger">Why it fired (<see cref="TriggerKinds"/>).</param>
/// <param name="TriggerReason">Why, in words.</param>
/// <param name="RequestedBy">Who or what started it.</param>
/// <param name="ExitCode">The training command's exit code.</param>
/// <param name="Error">What went wrong.</param>
/// <param name="QueuedAt">When it fired.</param>
/// <param name="StartedAt">When the training started.</param>
/// <param name="EndedAt">When the training ended.</param>
/// <param name="FinishedAt">When the loop ended for it.</param>
/// <param name="Links">What it is linked to.</param>
/// <param name="Logs">The logs' last lines (on a single run's view only).</param>
public sealed record PipelineRunView(Guid Id, string Pipeline, int Number, string Phase, string Status, bool Active, string Trigger, string TriggerReason,
    string RequestedBy, int? ExitCode, string? Error, DateTimeOffset QueuedAt, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, DateTimeOffset? FinishedAt,
    PipelineRunLinks Links, PipelineRunLogTails? Logs = null)
{
    /// <summary>Projects a stored run; <paramref name="model"/> names its versions.</summary>
    public static PipelineRunView From(PipelineRun run, string? model, PipelineRunLogTails? logs = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new(run.Id, run.PipelineName, run.Number, run.Phase, run.Status, run.Active, run.TriggerKind, run.TriggerReason, run.RequestedBy, run.ExitCode, run.Error,
            DateTimeOffset.FromUnixTimeMilliseconds(run.QueuedAt), Time(run.StartedAt), Time(run.EndedAt), Time(run.FinishedAt),
            new PipelineRunLinks(run.DatasetId, run.TrackingRunId, run.ChampionVersion is { } c ? $"{model}/{c}" : null,
                run.ChallengerVersion is { } v ? $"{model}/{v}" : null, run.EvaluationId, run.RolloutId, run.PromotionRequestId),
            logs);
    }

    private static DateTimeOffset? Time(long? ms) => ms is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;
}

/// <summary>A pipeline's runs, newest first.</summary>
/// <param name="Runs">The runs.</param>
public sealed record PipelineRunListView(IReadOnlyList<PipelineRunView> Runs);

/// <summary>A trigger firing as the API shows it.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Pipeline">The pipeline.</param>
/// <param name="Kind">Trigger kind (<see cref="TriggerKinds"/>).</param>
/// <param name="Reason">Why, in words.</param>
/// <param name="Source">What fired it.</param>
/// <param name="Outcome">What it did (<see cref="FiringOutcomes"/>).</param>
/// <param name="RunId">The run it started.</param>
/// <param name="At">When.</param>
public sealed record TriggerFiringView(Guid Id, string Pipeline, string Kind, string Reason, string? Source, string Outcome, Guid? RunId, DateTimeOffset At)
{
    /// <summary>Projects a stored firing.</summary>
    public static TriggerFiringView From(TriggerFiring firing)
    {
        ArgumentNullException.ThrowIfNull(firing);
        return new(firing.Id, firing.PipelineName, firing.Kind, firing.Reason, firing.Source, firing.Outcome, firing.RunId, DateTimeOffset.FromUnixTimeMilliseconds(firing.At));
    }
}

/// <summary>The answer of <c>POST /api/v1/pipelines/{name}/runs</c>: the firing and the run it queued.</summary>
/// <param name="Firing">The firing.</param>
/// <param name="Run">The run.</param>
public sealed record PipelineFiredView(TriggerFiringView Firing, PipelineRunView Run);
