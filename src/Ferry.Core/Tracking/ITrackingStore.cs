namespace Ferry.Core.Tracking;

/// <summary>
/// Experiments, runs and what runs log (MLflow's tracking store). Every change is audited as
/// the given actor's, one event per call. Unknown ids raise <see cref="Errors.NotFoundException"/>, duplicate
/// names <see cref="Errors.AlreadyExistsException"/>, and refused requests <see cref="TrackingRequestException"/>.
/// </summary>
public interface ITrackingStore
{
    /// <summary>Makes sure the default experiment (id 0, "Default") exists; true when it was created.</summary>
    Task<bool> EnsureDefaultExperimentAsync(string actor, CancellationToken cancellationToken = default);

    /// <summary>Creates an experiment and returns its id.</summary>
    Task<long> CreateExperimentAsync(string name, string? artifactLocation, IReadOnlyList<KeyValuePair<string, string>> tags, string actor, CancellationToken cancellationToken = default);

    /// <summary>An experiment with its tags (deleted ones too).</summary>
    Task<Experiment> GetExperimentAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>An experiment by name, preferring an active one; null when none has that name.</summary>
    Task<Experiment?> FindExperimentByNameAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Soft-deletes (or restores) an experiment and its runs.</summary>
    Task SetExperimentDeletedAsync(long id, bool deleted, string actor, CancellationToken cancellationToken = default);

    /// <summary>Renames an experiment.</summary>
    Task RenameExperimentAsync(long id, string newName, string actor, CancellationToken cancellationToken = default);

    /// <summary>Sets (upserts) or, when <paramref name="value"/> is null, deletes an experiment tag.</summary>
    Task SetExperimentTagAsync(long id, string key, string? value, string actor, CancellationToken cancellationToken = default);

    /// <summary>Searches experiments.</summary>
    Task<ResultPage<Experiment>> SearchExperimentsAsync(ExperimentSearchQuery query, CancellationToken cancellationToken = default);

    /// <summary>Creates a run and returns it in full.</summary>
    Task<Run> CreateRunAsync(NewRun run, string actor, CancellationToken cancellationToken = default);

    /// <summary>A run with its params, tags, latest metrics and dataset inputs (deleted ones too).</summary>
    Task<Run> GetRunAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>The experiment a run belongs to (deleted runs too), or null when no run has that id: one indexed read.</summary>
    Task<long?> FindRunExperimentIdAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>A run's artifact URI (deleted runs too), or null when no run has that id.</summary>
    Task<string?> FindRunArtifactUriAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Changes a run's status, end time or name and returns the run (without children).</summary>
    Task<Run> UpdateRunAsync(string runId, RunUpdate update, string actor, CancellationToken cancellationToken = default);

    /// <summary>Soft-deletes or restores a run.</summary>
    Task SetRunDeletedAsync(string runId, bool deleted, string actor, CancellationToken cancellationToken = default);

    /// <summary>Logs metrics, params and tags in one transaction, audited as <paramref name="action"/>.</summary>
    Task LogBatchAsync(string runId, RunBatch batch, string action, string actor, CancellationToken cancellationToken = default);

    /// <summary>Deletes a run tag (404 when it does not exist).</summary>
    Task DeleteRunTagAsync(string runId, string key, string actor, CancellationToken cancellationToken = default);

    /// <summary>Records dataset inputs (deduplicated by name and digest).</summary>
    Task LogInputsAsync(string runId, IReadOnlyList<DatasetInput> datasets, string actor, CancellationToken cancellationToken = default);

    /// <summary>Appends a logged model's JSON to the run's <c>mlflow.log-model.history</c> tag.</summary>
    Task LogModelAsync(string runId, string modelJson, string actor, CancellationToken cancellationToken = default);

    /// <summary>Every logged value of one metric, by (step, timestamp); all of them when <paramref name="maxResults"/> is null.</summary>
    Task<ResultPage<MetricPoint>> GetMetricHistoryAsync(string runId, string key, int? maxResults, string? pageToken, CancellationToken cancellationToken = default);

    /// <summary>Searches runs; each run comes with params, tags, latest metrics and inputs.</summary>
    Task<ResultPage<Run>> SearchRunsAsync(RunSearchQuery query, CancellationToken cancellationToken = default);
}
