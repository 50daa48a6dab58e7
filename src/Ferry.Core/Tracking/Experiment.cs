namespace Ferry.Core.Tracking;

/// <summary>A named group of runs (MLflow's experiment). Times are Unix epoch milliseconds, as on MLflow's wire.</summary>
public sealed class Experiment
{
    /// <summary>The id of the experiment that exists from the start and receives runs when none was chosen.</summary>
    public const long DefaultId = 0;

    /// <summary>Numeric id; MLflow shows it as a string ("0", "1", ...).</summary>
    public long Id { get; set; }

    /// <summary>Unique name (among active and deleted experiments).</summary>
    public required string Name { get; set; }

    /// <summary>Where its runs' artifacts live, e.g. <c>mlflow-artifacts:/7</c>.</summary>
    public required string ArtifactLocation { get; set; }

    /// <summary>"active" or "deleted".</summary>
    public string LifecycleStage { get; set; } = Tracking.LifecycleStage.Active;

    /// <summary>Creation time, epoch ms.</summary>
    public long CreationTime { get; set; }

    /// <summary>Last change, epoch ms.</summary>
    public long LastUpdateTime { get; set; }

    /// <summary>Its tags.</summary>
    public List<ExperimentTag> Tags { get; set; } = [];
}

/// <summary>A key/value tag on an experiment.</summary>
public sealed class ExperimentTag
{
    /// <summary>The experiment.</summary>
    public long ExperimentId { get; set; }

    /// <summary>Tag key.</summary>
    public required string Key { get; set; }

    /// <summary>Tag value.</summary>
    public required string Value { get; set; }
}

/// <summary>MLflow's lifecycle stages for experiments and runs.</summary>
public static class LifecycleStage
{
    /// <summary>Visible.</summary>
    public const string Active = "active";

    /// <summary>Soft-deleted; restorable.</summary>
    public const string Deleted = "deleted";
}
