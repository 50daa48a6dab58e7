namespace Ferry.Core.Tracking;

/// <summary>
/// MLflow 3's logged models and the runs' model inputs and outputs. Every change is audited as the given actor's.
/// Unknown or deleted ids raise <see cref="Errors.NotFoundException"/>; refused requests <see cref="TrackingRequestException"/>.
/// </summary>
public interface ILoggedModelStore
{
    /// <summary>Creates a logged model (PENDING) in an active experiment.</summary>
    Task<LoggedModel> CreateAsync(NewLoggedModel model, string actor, CancellationToken cancellationToken = default);

    /// <summary>A logged model with its params, tags and metrics; deleted ones only when <paramref name="allowDeleted"/>.</summary>
    Task<LoggedModel> GetAsync(string modelId, bool allowDeleted = false, CancellationToken cancellationToken = default);

    /// <summary>Sets the final status (READY or UPLOAD_FAILED) and returns the model.</summary>
    Task<LoggedModel> FinalizeAsync(string modelId, string status, string actor, CancellationToken cancellationToken = default);

    /// <summary>Soft-deletes a logged model.</summary>
    Task DeleteAsync(string modelId, string actor, CancellationToken cancellationToken = default);

    /// <summary>Logs params (an existing key keeps its value only if unchanged).</summary>
    Task LogParamsAsync(string modelId, IReadOnlyList<KeyValuePair<string, string>> parameters, string actor, CancellationToken cancellationToken = default);

    /// <summary>Sets (upserts) tags.</summary>
    Task SetTagsAsync(string modelId, IReadOnlyList<KeyValuePair<string, string>> tags, string actor, CancellationToken cancellationToken = default);

    /// <summary>Deletes a tag (404 when it does not exist).</summary>
    Task DeleteTagAsync(string modelId, string key, string actor, CancellationToken cancellationToken = default);

    /// <summary>Adds <c>{"name", "version"}</c> to the model's <c>mlflow.modelVersions</c> tag, as MLflow's server does on registration.</summary>
    Task AddModelVersionAsync(string modelId, string name, int version, string actor, CancellationToken cancellationToken = default);

    /// <summary>Searches active logged models.</summary>
    Task<ResultPage<LoggedModel>> SearchAsync(LoggedModelSearchQuery query, CancellationToken cancellationToken = default);

    /// <summary>Records models a run produced (<c>runs/outputs</c>) or used (<c>runs/log-inputs</c>).</summary>
    Task LinkRunAsync(string runId, string direction, IReadOnlyList<(string ModelId, long Step)> models, string actor, CancellationToken cancellationToken = default);

    /// <summary>The models a run used and produced.</summary>
    Task<IReadOnlyList<RunModelLink>> GetRunLinksAsync(IReadOnlyList<string> runIds, CancellationToken cancellationToken = default);
}
