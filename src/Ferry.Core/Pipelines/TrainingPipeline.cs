namespace Ferry.Core.Pipelines;

/// <summary>
/// A retraining pipeline of an endpoint: a training command that registers new versions of <see cref="ModelName"/>,
/// the data it is given, its triggers, and what happens to what it produces (<see cref="PipelineSpec"/>). Times are
/// epoch ms.
/// </summary>
public sealed class TrainingPipeline
{
    /// <summary>Surrogate key.</summary>
    public Guid Id { get; set; }

    /// <summary>Unique name (letters, digits, <c>-_.</c>; at most 128).</summary>
    public required string Name { get; set; }

    /// <summary>The endpoint whose log feeds it and whose champion it challenges.</summary>
    public required string EndpointName { get; set; }

    /// <summary>The registered model its training registers versions of.</summary>
    public required string ModelName { get; set; }

    /// <summary>The experiment its runs are logged in (created when missing).</summary>
    public string ExperimentName { get; set; } = string.Empty;

    /// <summary>The whole <see cref="PipelineSpec"/> as JSON.</summary>
    public string SpecJson { get; set; } = "{}";

    /// <summary>A disabled pipeline's triggers record firings but start nothing; manual runs are refused.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Who created it.</summary>
    public string CreatedBy { get; set; } = string.Empty;

    /// <summary>When.</summary>
    public long CreatedAt { get; set; }

    /// <summary>Last change.</summary>
    public long UpdatedAt { get; set; }

    /// <summary>The parsed spec.</summary>
    public PipelineSpec Spec() => PipelineSpec.Parse(SpecJson);
}

/// <summary>
/// One run of a pipeline, from its firing to the end of the loop: dataset, training process, challenger evaluation,
/// shadow, ramp or promotion request. <see cref="Phase"/> says where it is (<see cref="LoopPhases"/>); <see cref="Status"/>
/// what the training process did (<see cref="PipelineRunStatus"/>). Times are epoch ms.
/// </summary>
public sealed class PipelineRun
{
    /// <summary>Surrogate key.</summary>
    public Guid Id { get; set; }

    /// <summary>The pipeline.</summary>
    public Guid PipelineId { get; set; }

    /// <summary>The pipeline's name (kept for display).</summary>
    public required string PipelineName { get; set; }

    /// <summary>1, 2, ... per pipeline.</summary>
    public int Number { get; set; }

    /// <summary>The loop phase (<see cref="LoopPhases"/>).</summary>
    public string Phase { get; set; } = LoopPhases.Queued;

    /// <summary>What the training process did (<see cref="PipelineRunStatus"/>).</summary>
    public string Status { get; set; } = PipelineRunStatus.Pending;

    /// <summary>True until the phase is terminal; at most one active run per pipeline (a unique index).</summary>
    public bool Active { get; set; } = true;

    /// <summary>The firing that started it.</summary>
    public Guid? FiringId { get; set; }

    /// <summary>The firing's kind (<see cref="TriggerKinds"/>).</summary>
    public string TriggerKind { get; set; } = TriggerKinds.Manual;

    /// <summary>Why it fired, in words (e.g. the alert's message).</summary>
    public string TriggerReason { get; set; } = string.Empty;

    /// <summary>Who (or which trigger) started it.</summary>
    public string RequestedBy { get; set; } = string.Empty;

    /// <summary>The dataset built for it.</summary>
    public Guid? DatasetId { get; set; }

    /// <summary>The tracking (MLflow) run the training logs to.</summary>
    public string? TrackingRunId { get; set; }

    /// <summary>The process's exit code.</summary>
    public int? ExitCode { get; set; }

    /// <summary>What went wrong, in words.</summary>
    public string? Error { get; set; }

    /// <summary>The endpoint's champion version when the run started (the one challenged).</summary>
    public int? ChampionVersion { get; set; }

    /// <summary>The version the training registered (the challenger).</summary>
    public int? ChallengerVersion { get; set; }

    /// <summary>The challenger evaluation.</summary>
    public Guid? EvaluationId { get; set; }

    /// <summary>The canary ramp.</summary>
    public Guid? RolloutId { get; set; }

    /// <summary>The promotion request opened for a governed model.</summary>
    public Guid? PromotionRequestId { get; set; }

    /// <summary>When it fired.</summary>
    public long QueuedAt { get; set; }

    /// <summary>When the process started.</summary>
    public long? StartedAt { get; set; }

    /// <summary>When the process ended.</summary>
    public long? EndedAt { get; set; }

    /// <summary>When the phase last changed.</summary>
    public long UpdatedAt { get; set; }

    /// <summary>When the loop ended for it (terminal phase).</summary>
    public long? FinishedAt { get; set; }
}

/// <summary>A trigger that fired, started or not, and why. Times are epoch ms.</summary>
public sealed class TriggerFiring
{
    /// <summary>Surrogate key.</summary>
    public Guid Id { get; set; }

    /// <summary>The pipeline.</summary>
    public Guid PipelineId { get; set; }

    /// <summary>Its name.</summary>
    public required string PipelineName { get; set; }

    /// <summary><see cref="TriggerKinds"/>.</summary>
    public required string Kind { get; set; }

    /// <summary>Why, in words (the cron expression, the alert's check and message, the label count, the user).</summary>
    public string Reason { get; set; } = string.Empty;

    /// <summary>What fired it: an alert id, a schedule, a user name.</summary>
    public string? Source { get; set; }

    /// <summary><see cref="FiringOutcomes"/>.</summary>
    public string Outcome { get; set; } = FiringOutcomes.Started;

    /// <summary>The run it started.</summary>
    public Guid? RunId { get; set; }

    /// <summary>When.</summary>
    public long At { get; set; }
}
