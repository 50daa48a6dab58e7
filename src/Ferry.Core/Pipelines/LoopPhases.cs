namespace Ferry.Core.Pipelines;

/// <summary>
/// Where a pipeline run stands in the loop. Each stage of the loop moves runs out of the phase it owns, so the parts
/// stay independent: the dataset builder takes <see cref="Queued"/> runs, the executor <see cref="Training"/>, the
/// challenger evaluation <see cref="Evaluating"/> and <see cref="Shadowing"/>, the promotion stage
/// <see cref="Promoting"/>, <see cref="RollingOut"/> and <see cref="AwaitingApproval"/>.
/// </summary>
public static class LoopPhases
{
    /// <summary>Fired; its dataset is being built.</summary>
    public const string Queued = "queued";

    /// <summary>The training command runs (or is about to start).</summary>
    public const string Training = "training";

    /// <summary>Training registered a version; the backtest against the champion is due.</summary>
    public const string Evaluating = "evaluating";

    /// <summary>The challenger is a shadow on the endpoint until its duration or row count is reached.</summary>
    public const string Shadowing = "shadowing";

    /// <summary>The evaluation passed; a canary ramp or a promotion request is due.</summary>
    public const string Promoting = "promoting";

    /// <summary>The canary ramp moves (see the run's rollout).</summary>
    public const string RollingOut = "rolling_out";

    /// <summary>A promotion request (governed model) waits for its approvals.</summary>
    public const string AwaitingApproval = "awaiting_approval";

    /// <summary>Terminal: the challenger became the champion.</summary>
    public const string Promoted = "promoted";

    /// <summary>Terminal: a guard failed during the ramp and the champion took all traffic back.</summary>
    public const string RolledBack = "rolled_back";

    /// <summary>Terminal: the evaluation found the challenger worse, or its promotion request was rejected or expired.</summary>
    public const string Rejected = "rejected";

    /// <summary>Terminal: training succeeded but registered no version of the pipeline's model.</summary>
    public const string NoVersion = "no_version";

    /// <summary>Terminal: dataset, training (non-zero exit or timeout) or a later stage failed; see the run's error.</summary>
    public const string Failed = "failed";

    /// <summary>Terminal: cancelled by a user.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>Phases after which nothing more happens.</summary>
    public static IReadOnlySet<string> Terminal { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Promoted, RolledBack, Rejected, NoVersion, Failed, Cancelled,
    };

    /// <summary>Every phase, in loop order.</summary>
    public static IReadOnlyList<string> All { get; } =
        [Queued, Training, Evaluating, Shadowing, Promoting, RollingOut, AwaitingApproval, Promoted, RolledBack, Rejected, NoVersion, Failed, Cancelled];

    /// <summary>True for a phase after which nothing more happens.</summary>
    public static bool IsTerminal(string phase) => Terminal.Contains(phase);
}

/// <summary>What the training process did (<see cref="PipelineRun.Status"/>).</summary>
public static class PipelineRunStatus
{
    /// <summary>Not started yet.</summary>
    public const string Pending = "pending";

    /// <summary>The process runs.</summary>
    public const string Running = "running";

    /// <summary>Exit code 0.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>Non-zero exit, or it could not start.</summary>
    public const string Failed = "failed";

    /// <summary>Killed at the pipeline's timeout.</summary>
    public const string TimedOut = "timed_out";

    /// <summary>Killed by a cancel.</summary>
    public const string Cancelled = "cancelled";
}

/// <summary>Why a pipeline fired (<see cref="TriggerFiring.Kind"/>).</summary>
public static class TriggerKinds
{
    /// <summary>A Quartz cron schedule.</summary>
    public const string Schedule = "schedule";

    /// <summary>An alert opened on the pipeline's endpoint.</summary>
    public const string Alert = "alert";

    /// <summary>New labelled rows reached the configured count.</summary>
    public const string Labels = "labels";

    /// <summary>A user asked (<c>ferry pipelines run</c>).</summary>
    public const string Manual = "manual";
}

/// <summary>What a firing did (<see cref="TriggerFiring.Outcome"/>).</summary>
public static class FiringOutcomes
{
    /// <summary>A run started.</summary>
    public const string Started = "started";

    /// <summary>Suppressed: the pipeline's cool-down since its last started run has not passed.</summary>
    public const string CoolingDown = "cooldown";

    /// <summary>Suppressed: a run of the pipeline is still in progress.</summary>
    public const string Busy = "busy";

    /// <summary>Suppressed: the pipeline is disabled.</summary>
    public const string Disabled = "disabled";
}
