using System.Collections.Concurrent;
using Ferry.Core.Pipelines;

namespace Ferry.Server.Pipelines.Execution;

/// <summary>A started training: its execution, the token minted for it and where its files are.</summary>
/// <param name="RunId">The pipeline run.</param>
/// <param name="Execution">The running command.</param>
/// <param name="TokenId">The run's scoped token (revoked when it ends).</param>
/// <param name="Directory">The run's directory (<c>{data}/pipelines/{pipeline}/{number}</c>).</param>
public sealed record RunningTraining(Guid RunId, IPipelineExecution Execution, Guid TokenId, string Directory)
{
    /// <summary>The standard-output log.</summary>
    public string StdoutPath => Path.Join(Directory, "logs", "stdout.txt");

    /// <summary>The standard-error log.</summary>
    public string StderrPath => Path.Join(Directory, "logs", "stderr.txt");
}

/// <summary>
/// The training commands this server runs, by pipeline run (a singleton, so loop ticks and cancels find them).
/// <see cref="Gate"/> serialises the training stage's and the cancel route's changes to a run. At shutdown it kills
/// what still runs and marks those runs failed ("server stopped").
/// </summary>
public sealed partial class PipelineProcesses(IServiceScopeFactory scopes, ILogger<PipelineProcesses> logger) : IHostedService, IDisposable
{
    private readonly ConcurrentDictionary<Guid, RunningTraining> _running = new();

    /// <summary>Held while a run's training state changes (start, end, cancel).</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>What runs now.</summary>
    public IReadOnlyCollection<RunningTraining> Running => [.. _running.Values];

    /// <summary>The training of <paramref name="runId"/>, or null when this server runs none for it.</summary>
    public RunningTraining? Find(Guid runId) => _running.GetValueOrDefault(runId);

    /// <summary>Adds a started training.</summary>
    public void Add(RunningTraining training)
    {
        ArgumentNullException.ThrowIfNull(training);
        _running[training.RunId] = training;
    }

    /// <summary>Forgets a run's training (after its end was recorded).</summary>
    public void Remove(Guid runId) => _running.TryRemove(runId, out _);

    /// <summary>Completes when the training of <paramref name="runId"/> has ended (at once when there is none).</summary>
    public Task WaitAsync(Guid runId, CancellationToken cancellationToken = default) =>
        Find(runId) is { } training ? training.Execution.WaitAsync(cancellationToken) : Task.CompletedTask;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_running.IsEmpty)
        {
            return;
        }

        await Gate.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var finisher = scope.ServiceProvider.GetRequiredService<TrainingFinisher>();
            foreach (var training in _running.Values)
            {
                try
                {
                    await training.Execution.CancelAsync();
                    await finisher.EndAsync(training, TrainingEnd.ServerStopped, LoopActors.Loop, cancellationToken);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    LogStopFailed(logger, training.RunId, e);
                }
                finally
                {
                    await training.Execution.DisposeAsync();
                    _running.TryRemove(training.RunId, out _);
                }
            }
        }
        finally
        {
            Gate.Release();
        }

    }

    /// <inheritdoc />
    public void Dispose() => Gate.Dispose();

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record the end of pipeline run {RunId} at shutdown")]
    private static partial void LogStopFailed(ILogger logger, Guid runId, Exception exception);
}
