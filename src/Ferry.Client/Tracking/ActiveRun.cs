using Ferry.Core.Tracking;

namespace Ferry.Client.Tracking;

/// <summary>
/// A run that ends itself: disposing it ends the run FINISHED, or FAILED when <see cref="MarkFailed"/> was called
/// (typically from a <c>catch</c> block), like MLflow's <c>with mlflow.start_run():</c>.
/// </summary>
/// <example>
/// <code>
/// await using var run = await client.Tracking.StartActiveRunAsync(experiment.ExperimentId, "baseline");
/// try { await run.LogMetricAsync("auc", 0.91); }
/// catch { run.MarkFailed(); throw; }
/// </code>
/// </example>
public sealed class ActiveRun : IAsyncDisposable
{
    private readonly TrackingClient _tracking;
    private bool _ended;

    internal ActiveRun(TrackingClient tracking, Run run)
    {
        _tracking = tracking;
        Run = run;
    }

    /// <summary>The run as the server returned it when it started.</summary>
    public Run Run { get; }

    /// <summary>The run's id.</summary>
    public string RunId => Run.Info.RunId;

    /// <summary>True once <see cref="MarkFailed"/> was called: disposing ends the run FAILED.</summary>
    public bool Failed { get; private set; }

    /// <summary>Flags the run as failed, so that disposing ends it FAILED.</summary>
    public void MarkFailed() => Failed = true;

    /// <inheritdoc cref="TrackingClient.LogParamAsync" />
    public Task LogParamAsync(string key, string value, CancellationToken cancellationToken = default) =>
        _tracking.LogParamAsync(RunId, key, value, cancellationToken);

    /// <inheritdoc cref="TrackingClient.LogParamsAsync" />
    public Task LogParamsAsync(IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken = default) =>
        _tracking.LogParamsAsync(RunId, parameters, cancellationToken);

    /// <inheritdoc cref="TrackingClient.LogMetricAsync" />
    public Task LogMetricAsync(string key, double value, long step = 0, long? timestamp = null, CancellationToken cancellationToken = default) =>
        _tracking.LogMetricAsync(RunId, key, value, step, timestamp, cancellationToken);

    /// <summary>Logs several metrics at one step and time, through log-batch.</summary>
    /// <exception cref="FerryApiException">The server refused.</exception>
    public Task LogMetricsAsync(IReadOnlyDictionary<string, double> metrics, long step = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var now = _tracking.Now();
        return _tracking.LogBatchAsync(RunId, metrics: [.. metrics.Select(m => new Metric(m.Key, m.Value, now, step))], cancellationToken: cancellationToken);
    }

    /// <inheritdoc cref="TrackingClient.SetTagAsync" />
    public Task SetTagAsync(string key, string value, CancellationToken cancellationToken = default) =>
        _tracking.SetTagAsync(RunId, key, value, cancellationToken);

    /// <summary>Ends the run now with <paramref name="status"/>; disposing afterwards does nothing.</summary>
    /// <exception cref="FerryApiException">The server refused.</exception>
    public async Task<RunInfo> EndAsync(string status = RunStatus.Finished, CancellationToken cancellationToken = default)
    {
        var info = await _tracking.EndRunAsync(RunId, status, cancellationToken);
        _ended = true;
        return info;
    }

    /// <summary>Ends the run FINISHED, or FAILED when flagged, unless it was already ended.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_ended)
        {
            await EndAsync(Failed ? RunStatus.Failed : RunStatus.Finished);
        }
    }
}
