using Ferry.Client.Http;
using Ferry.Client.Mlflow;
using Ferry.Core.Tracking;

namespace Ferry.Client.Tracking;

/// <summary>
/// Experiment tracking over MLflow's REST API (<c>/api/2.0/mlflow</c>): experiments, runs, params, metrics, tags
/// and search. Reads need a viewer token, writes a scientist. Failures raise <see cref="FerryApiException"/>
/// with MLflow's <see cref="FerryApiException.ErrorCode"/>.
/// </summary>
public sealed class TrackingClient
{
    /// <summary>Most metrics MLflow accepts in one log-batch request.</summary>
    public const int MaxBatchMetrics = 1000;

    /// <summary>Most params (and, separately, tags) MLflow accepts in one log-batch request.</summary>
    public const int MaxBatchParamsOrTags = 100;

    private const string Api = MlflowHttp.Api;
    private readonly MlflowHttp _http;
    private readonly TimeProvider _time;

    internal TrackingClient(MlflowHttp http, TimeProvider time)
    {
        _http = http;
        _time = time;
    }

    /// <summary>The experiment named <paramref name="name"/>, created first when it does not exist
    /// (what <c>mlflow.set_experiment</c> does).</summary>
    /// <exception cref="FerryApiException">The server refused.</exception>
    public async Task<Experiment> GetOrCreateExperimentAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (await FindExperimentByNameAsync(name, cancellationToken) is { } existing)
        {
            return existing;
        }

        try
        {
            var created = await _http.PostAsync<CreateExperimentRequest, CreateExperimentResponse>(
                Api + "experiments/create", new CreateExperimentRequest(name, null, null), cancellationToken);
            return await GetExperimentAsync(created.ExperimentId, cancellationToken);
        }
        catch (FerryApiException e) when (MlflowErrorCodes.Is(e, MlflowErrorCodes.ResourceAlreadyExists))
        {
            // Someone created it between our two calls.
            return await GetExperimentByNameAsync(name, cancellationToken);
        }
    }

    /// <summary>The experiment with id <paramref name="experimentId"/>.</summary>
    /// <exception cref="FerryApiException">RESOURCE_DOES_NOT_EXIST (404), or the server refused.</exception>
    public async Task<Experiment> GetExperimentAsync(string experimentId, CancellationToken cancellationToken = default) =>
        (await _http.GetAsync<ExperimentResponse>(Api + "experiments/get", new QueryString().Add("experiment_id", experimentId), cancellationToken)).Experiment;

    /// <summary>The experiment named <paramref name="name"/>.</summary>
    /// <exception cref="FerryApiException">RESOURCE_DOES_NOT_EXIST (404), or the server refused.</exception>
    public async Task<Experiment> GetExperimentByNameAsync(string name, CancellationToken cancellationToken = default) =>
        (await _http.GetAsync<ExperimentResponse>(Api + "experiments/get-by-name", new QueryString().Add("experiment_name", name), cancellationToken)).Experiment;

    /// <summary>The experiment named <paramref name="name"/>, or null when there is none.</summary>
    /// <exception cref="FerryApiException">The server refused.</exception>
    public async Task<Experiment?> FindExperimentByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        try
        {
            return await GetExperimentByNameAsync(name, cancellationToken);
        }
        catch (FerryApiException e) when (MlflowErrorCodes.Is(e, MlflowErrorCodes.ResourceDoesNotExist))
        {
            return null;
        }
    }

    /// <summary>A page of experiments (<c>experiments/search</c>).</summary>
    /// <param name="filter">MLflow filter, e.g. <c>name LIKE 'credit%'</c>; null for all.</param>
    /// <param name="orderBy">Sort keys, e.g. <c>name ASC</c>.</param>
    /// <param name="maxResults">Page size (server default when null).</param>
    /// <param name="pageToken">The previous page's <see cref="ExperimentsPage.NextPageToken"/>.</param>
    /// <param name="viewType">ACTIVE_ONLY (default), DELETED_ONLY or ALL.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="FerryApiException">An invalid filter (400), or the server refused.</exception>
    public async Task<ExperimentsPage> SearchExperimentsAsync(
        string? filter = null,
        IReadOnlyList<string>? orderBy = null,
        long? maxResults = null,
        string? pageToken = null,
        string? viewType = null,
        CancellationToken cancellationToken = default)
    {
        var page = await _http.PostAsync<SearchExperimentsRequest, SearchExperimentsResponse>(
            Api + "experiments/search", new SearchExperimentsRequest(maxResults, pageToken, filter, orderBy, viewType), cancellationToken);
        return new ExperimentsPage(page.Experiments ?? [], NullIfEmpty(page.NextPageToken));
    }

    /// <summary>Starts a run (status RUNNING) in an experiment.</summary>
    /// <param name="experimentId">The experiment's id (see <see cref="GetOrCreateExperimentAsync"/>).</param>
    /// <param name="runName">Display name; the server picks one when null.</param>
    /// <param name="tags">Tags to set at once (e.g. <c>mlflow.source.name</c>).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="FerryApiException">No such experiment (404), a deleted one (400), or the server refused.</exception>
    public async Task<Run> StartRunAsync(string experimentId, string? runName = null, IReadOnlyDictionary<string, string>? tags = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(experimentId);
        var request = new CreateRunRequest(experimentId, Environment.UserName, runName, Now(), ToTags(tags));
        return (await _http.PostAsync<CreateRunRequest, RunResponse>(Api + "runs/create", request, cancellationToken)).Run;
    }

    /// <summary>Starts a run and wraps it in an <see cref="ActiveRun"/> that ends it when disposed.</summary>
    /// <inheritdoc cref="StartRunAsync" />
    public async Task<ActiveRun> StartActiveRunAsync(string experimentId, string? runName = null, IReadOnlyDictionary<string, string>? tags = null, CancellationToken cancellationToken = default) =>
        new(this, await StartRunAsync(experimentId, runName, tags, cancellationToken));

    /// <summary>
    /// Wraps a run that already exists (e.g. the one a Ferry pipeline created and named in <c>MLFLOW_RUN_ID</c>) in an
    /// <see cref="ActiveRun"/> that ends it when disposed.
    /// </summary>
    /// <exception cref="FerryApiException">RESOURCE_DOES_NOT_EXIST (404), or the server refused.</exception>
    public async Task<ActiveRun> ResumeActiveRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        return new(this, await GetRunAsync(runId, cancellationToken));
    }

    /// <summary>The run with its latest metrics, params and tags.</summary>
    /// <exception cref="FerryApiException">RESOURCE_DOES_NOT_EXIST (404), or the server refused.</exception>
    public async Task<Run> GetRunAsync(string runId, CancellationToken cancellationToken = default) =>
        (await _http.GetAsync<RunResponse>(Api + "runs/get", new QueryString().Add("run_id", runId), cancellationToken)).Run;

    /// <summary>Ends a run: sets its status and end time.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="status">FINISHED (default), FAILED or KILLED (<see cref="RunStatus"/>).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The run's info as it now is.</returns>
    /// <exception cref="FerryApiException">No such run (404), a deleted run (400), or the server refused.</exception>
    public async Task<RunInfo> EndRunAsync(string runId, string status = RunStatus.Finished, CancellationToken cancellationToken = default) =>
        (await _http.PostAsync<UpdateRunRequest, UpdateRunResponse>(Api + "runs/update", new UpdateRunRequest(runId, status, Now(), null), cancellationToken)).RunInfo;

    /// <summary>Logs one parameter. Logging the same key again with the same value is fine; another value is refused.</summary>
    /// <exception cref="FerryApiException">INVALID_PARAMETER_VALUE when the key already holds another value, or the server refused.</exception>
    public Task LogParamAsync(string runId, string key, string value, CancellationToken cancellationToken = default) =>
        _http.PostAsync(Api + "runs/log-parameter", new LogParamRequest(runId, key, value), cancellationToken);

    /// <summary>Logs several parameters through log-batch, 100 per request.</summary>
    /// <exception cref="FerryApiException">A key already holds another value, or the server refused.</exception>
    public Task LogParamsAsync(string runId, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return LogBatchAsync(runId, parameters: [.. parameters.Select(p => new Param(p.Key, p.Value))], cancellationToken: cancellationToken);
    }

    /// <summary>Appends one value to a metric's history.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="key">The metric's name.</param>
    /// <param name="value">The value (NaN and infinities allowed).</param>
    /// <param name="step">The training step.</param>
    /// <param name="timestamp">When it was measured, epoch ms; now when null.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="FerryApiException">The server refused.</exception>
    public Task LogMetricAsync(string runId, string key, double value, long step = 0, long? timestamp = null, CancellationToken cancellationToken = default) =>
        _http.PostAsync(Api + "runs/log-metric", new LogMetricRequest(runId, key, value, timestamp ?? Now(), step), cancellationToken);

    /// <summary>
    /// Logs metrics, params and tags, split into requests within MLflow's limits (1000 metrics, 100 params,
    /// 100 tags each). Params and tags go first, then metrics in order.
    /// </summary>
    /// <exception cref="FerryApiException">The server refused a request; earlier requests stay applied.</exception>
    public async Task LogBatchAsync(
        string runId,
        IReadOnlyList<Metric>? metrics = null,
        IReadOnlyList<Param>? parameters = null,
        IReadOnlyList<Tag>? tags = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        foreach (var chunk in (parameters ?? []).Chunk(MaxBatchParamsOrTags))
        {
            await _http.PostAsync(Api + "runs/log-batch", new LogBatchRequest(runId, null, chunk, null), cancellationToken);
        }

        foreach (var chunk in (tags ?? []).Chunk(MaxBatchParamsOrTags))
        {
            await _http.PostAsync(Api + "runs/log-batch", new LogBatchRequest(runId, null, null, chunk), cancellationToken);
        }

        foreach (var chunk in (metrics ?? []).Chunk(MaxBatchMetrics))
        {
            await _http.PostAsync(Api + "runs/log-batch", new LogBatchRequest(runId, chunk, null, null), cancellationToken);
        }
    }

    /// <summary>Sets a tag (the last write wins).</summary>
    /// <exception cref="FerryApiException">The server refused.</exception>
    public Task SetTagAsync(string runId, string key, string value, CancellationToken cancellationToken = default) =>
        _http.PostAsync(Api + "runs/set-tag", new SetTagRequest(runId, key, value), cancellationToken);

    /// <summary>A page of runs (<c>runs/search</c>).</summary>
    /// <param name="experimentIds">The experiments to search.</param>
    /// <param name="filter">MLflow filter, e.g. <c>metrics.auc &gt; 0.9 and params.model = 'gbm'</c>; null for all.</param>
    /// <param name="orderBy">Sort keys, e.g. <c>metrics.auc DESC</c>.</param>
    /// <param name="maxResults">Page size (server default 1000).</param>
    /// <param name="pageToken">The previous page's <see cref="RunsPage.NextPageToken"/>.</param>
    /// <param name="runViewType">ACTIVE_ONLY (default), DELETED_ONLY or ALL.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="FerryApiException">An invalid filter (INVALID_PARAMETER_VALUE), or the server refused.</exception>
    public async Task<RunsPage> SearchRunsAsync(
        IReadOnlyList<string> experimentIds,
        string? filter = null,
        IReadOnlyList<string>? orderBy = null,
        int? maxResults = null,
        string? pageToken = null,
        string? runViewType = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(experimentIds);
        var request = new SearchRunsRequest(experimentIds, filter, runViewType, maxResults, orderBy, pageToken);
        var page = await _http.PostAsync<SearchRunsRequest, SearchRunsResponse>(Api + "runs/search", request, cancellationToken);
        return new RunsPage(page.Runs ?? [], NullIfEmpty(page.NextPageToken));
    }

    /// <summary>Every logged value of one metric of a run, following pages until the last.</summary>
    /// <exception cref="FerryApiException">No such run (404), or the server refused.</exception>
    public async Task<IReadOnlyList<Metric>> GetMetricHistoryAsync(string runId, string key, CancellationToken cancellationToken = default)
    {
        var all = new List<Metric>();
        string? pageToken = null;
        do
        {
            var query = new QueryString().Add("run_id", runId).Add("metric_key", key).Add("page_token", pageToken);
            var page = await _http.GetAsync<MetricHistoryResponse>(Api + "metrics/get-history", query, cancellationToken);
            all.AddRange(page.Metrics ?? []);
            pageToken = NullIfEmpty(page.NextPageToken);
        }
        while (pageToken is not null);

        return all;
    }

    internal long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static Tag[]? ToTags(IReadOnlyDictionary<string, string>? tags) =>
        tags is null ? null : [.. tags.Select(t => new Tag(t.Key, t.Value))];

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
