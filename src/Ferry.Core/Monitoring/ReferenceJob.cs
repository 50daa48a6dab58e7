namespace Ferry.Core.Monitoring;

/// <summary>
/// The build of a version's reference, run off the request path: the uploaded rows are staged in a private file, the
/// job is queued, and a background worker scores, profiles, counts tree covers and computes importance, reporting its
/// progress. Times are epoch ms.
/// </summary>
public sealed class ReferenceJob
{
    /// <summary>Queued, not started yet.</summary>
    public const string Queued = "queued";

    /// <summary>Being built.</summary>
    public const string Running = "running";

    /// <summary>Built and stored.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>Given up; <see cref="Error"/> says why.</summary>
    public const string Failed = "failed";

    /// <summary>The job's id.</summary>
    public Guid Id { get; set; }

    /// <summary>The registered model.</summary>
    public required string ModelName { get; set; }

    /// <summary>The version whose reference is built.</summary>
    public int ModelVersion { get; set; }

    /// <summary><see cref="Queued"/>, <see cref="Running"/>, <see cref="Succeeded"/> or <see cref="Failed"/>.</summary>
    public string State { get; set; } = Queued;

    /// <summary>The phase running (scoring, profiling, covers, importance, saving), or null before the first.</summary>
    public string? Phase { get; set; }

    /// <summary>Units of work done (rows scored, profiled, routed through the trees, explained).</summary>
    public long Done { get; set; }

    /// <summary>Units of work in all.</summary>
    public long Total { get; set; }

    /// <summary>Why the job failed.</summary>
    public string? Error { get; set; }

    /// <summary>Rows uploaded.</summary>
    public long Rows { get; set; }

    /// <summary>The staged upload's file name (under the data directory's private staging folder).</summary>
    public required string StagedFile { get; set; }

    /// <summary>How many times a worker started it (a job running when its process died is run again).</summary>
    public int Attempts { get; set; }

    /// <summary>Who asked for it.</summary>
    public string CreatedBy { get; set; } = string.Empty;

    /// <summary>When it was asked for, epoch ms.</summary>
    public long CreatedAt { get; set; }

    /// <summary>When a worker last started it, epoch ms.</summary>
    public long? StartedAt { get; set; }

    /// <summary>When it succeeded or failed, epoch ms.</summary>
    public long? FinishedAt { get; set; }

    /// <summary>Whether it is still to finish.</summary>
    public bool IsActive => State is Queued or Running;
}

/// <summary>The phases of a reference build, in order.</summary>
public static class ReferencePhases
{
    /// <summary>The model scores every row.</summary>
    public const string Scoring = "scoring";

    /// <summary>Every feature and output is profiled.</summary>
    public const string Profiling = "profiling";

    /// <summary>Every row is routed through the tree ensemble's splits to count node covers.</summary>
    public const string Covers = "covers";

    /// <summary>Global importance (mean |SHAP|, permutation importance) on the sample.</summary>
    public const string Importance = "importance";

    /// <summary>The reference is stored.</summary>
    public const string Saving = "saving";
}
