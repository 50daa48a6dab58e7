using System.Globalization;
using Ferry.Core.Artifacts;
using Ferry.Core.Audit;
using Ferry.Core.Identity;
using Ferry.Core.Pipelines;
using Ferry.Core.Serving;
using Ferry.Core.Tracking;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Pipelines.Execution;

/// <summary>
/// The loop's training stage (order 300), for runs in <see cref="LoopPhases.Training"/>. A run not started yet gets its
/// tracking run (in the pipeline's experiment, created when missing; tagged <c>ferry.pipeline</c>,
/// <c>ferry.pipeline_run</c>, <c>ferry.trigger</c>), its dataset as the tracking run's input, a token scoped to it
/// (scientist, expiring after the timeout), a directory with local copies of the dataset files, and its command started
/// through the <see cref="IPipelineExecutor"/> its spec names (audited <c>pipeline.run.start</c>). A started run whose
/// command has ended is handed to <see cref="TrainingFinisher"/>. A run marked running that this server does not run
/// (the server restarted) fails.
/// </summary>
public sealed partial class TrainingStage(
    IPipelineStore pipelines,
    ITrainingDatasetStore datasets,
    ITrackingStore tracking,
    IEndpointStore endpoints,
    ITokenStore tokens,
    IArtifactStore artifacts,
    IAuditLog audit,
    IEnumerable<IPipelineExecutor> executors,
    PipelineProcesses processes,
    TrainingFinisher finisher,
    ServerAddress address,
    IOptions<PipelineExecutionOptions> files,
    TimeProvider clock,
    ILogger<TrainingStage> logger) : ILoopStage
{
    /// <summary>How long a run's token outlives its timeout.</summary>
    public static readonly TimeSpan TokenMargin = TimeSpan.FromMinutes(5);

    /// <inheritdoc />
    public int Order => 300;

    /// <inheritdoc />
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        foreach (var listed in await pipelines.ListRunsInPhasesAsync([LoopPhases.Training], cancellationToken))
        {
            await processes.Gate.WaitAsync(cancellationToken);
            try
            {
                var run = await pipelines.FindRunAsync(listed.Id, cancellationToken);
                if (run is null || run.Phase != LoopPhases.Training)
                {
                    continue;
                }

                if (processes.Find(run.Id) is { } training)
                {
                    if (training.Execution.Result is { } result)
                    {
                        var end = result.Cancelled ? TrainingEnd.Cancelled : result.TimedOut ? TrainingEnd.TimedOut : TrainingEnd.Exited;
                        await finisher.EndAsync(training, end, LoopActors.Loop, cancellationToken);
                        processes.Remove(run.Id);
                        await training.Execution.DisposeAsync();
                    }
                }
                else if (run.Status == PipelineRunStatus.Running)
                {
                    await FailAsync(run, "the server restarted while the training command ran; it is no longer watched", cancellationToken);
                }
                else
                {
                    await StartAsync(run, cancellationToken);
                }
            }
            finally
            {
                processes.Gate.Release();
            }
        }
    }

    private async Task StartAsync(PipelineRun run, CancellationToken cancellationToken)
    {
        var pipeline = await pipelines.FindByIdAsync(run.PipelineId, cancellationToken);
        if (pipeline is null)
        {
            await FailAsync(run, $"the pipeline '{run.PipelineName}' was deleted", cancellationToken);
            return;
        }

        var spec = pipeline.Spec();
        var command = spec.Command;
        var executor = executors.FirstOrDefault(e => e.Kind == command.Executor);
        if (executor is null)
        {
            await FailAsync(run, $"no executor '{command.Executor}' is available (this server has: {string.Join(", ", executors.Select(e => e.Kind))})", cancellationToken);
            return;
        }

        var now = clock.GetUtcNow();
        var experimentName = string.IsNullOrWhiteSpace(pipeline.ExperimentName) ? $"pipeline/{pipeline.Name}" : pipeline.ExperimentName;
        var experimentId = (await tracking.FindExperimentByNameAsync(experimentName, cancellationToken))?.Id
            ?? await tracking.CreateExperimentAsync(experimentName, null, [], LoopActors.Loop, cancellationToken);
        var trackingRun = await tracking.CreateRunAsync(new NewRun(experimentId, LoopActors.Loop, $"{pipeline.Name}-{run.Number}", now.ToUnixTimeMilliseconds(),
        [
            new("ferry.pipeline", pipeline.Name),
            new("ferry.pipeline_run", run.Number.ToString(CultureInfo.InvariantCulture)),
            new("ferry.trigger", run.TriggerKind),
        ]), LoopActors.Loop, cancellationToken);
        run.TrackingRunId = trackingRun.Id;

        var directory = files.Value.RunDirectory(pipeline.Name, run.Number);
        var output = Path.Join(directory, "output");
        Directory.CreateDirectory(output);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in command.Environment ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        TrainingDataset? dataset = null;
        if (run.DatasetId is { } datasetId)
        {
            dataset = await datasets.FindAsync(datasetId, cancellationToken);
            if (dataset is null)
            {
                await FailAsync(run, $"dataset {datasetId} does not exist", cancellationToken);
                return;
            }

            await tracking.LogInputsAsync(trackingRun.Id, [DatasetLineage.ToInput(dataset)], LoopActors.Loop, cancellationToken);
            var data = Path.Join(directory, "data");
            Directory.CreateDirectory(data);
            var trainPath = Path.Join(data, "train.parquet");
            await CopyAsync(dataset.ArtifactPath, trainPath, cancellationToken);
            environment["FERRY_DATASET_ID"] = dataset.Id.ToString();
            environment["FERRY_DATASET_DIGEST"] = dataset.Digest;
            environment["FERRY_DATASET_PATH"] = trainPath;
            if (dataset.HoldoutArtifactPath is { } holdout)
            {
                var holdoutPath = Path.Join(data, "holdout.parquet");
                await CopyAsync(holdout, holdoutPath, cancellationToken);
                environment["FERRY_HOLDOUT_PATH"] = holdoutPath;
            }
        }

        var timeout = TimeSpan.FromSeconds(command.TimeoutSeconds);
        var token = await tokens.CreateAsync($"pipeline-{pipeline.Name}-{run.Number}-{run.Id.ToString("N")[..8]}", Role.Scientist, now + timeout + TokenMargin,
            LoopActors.Loop, cancellationToken);
        var url = address.Url;
        environment["MLFLOW_TRACKING_URI"] = url;
        environment["FERRY_URL"] = url;
        environment["MLFLOW_TRACKING_TOKEN"] = token.Secret;
        environment["FERRY_TOKEN"] = token.Secret;
        environment["MLFLOW_RUN_ID"] = trackingRun.Id;
        environment["MLFLOW_EXPERIMENT_ID"] = experimentId.ToString(CultureInfo.InvariantCulture);
        environment["FERRY_PIPELINE"] = pipeline.Name;
        environment["FERRY_PIPELINE_RUN_ID"] = run.Id.ToString();
        environment["FERRY_ENDPOINT"] = pipeline.EndpointName;
        environment["FERRY_MODEL_NAME"] = pipeline.ModelName;
        environment["FERRY_OUTPUT_DIR"] = output;

        var workingDirectory = command.WorkingDirectory ?? files.Value.PipelineDirectory(pipeline.Name);
        if (command.WorkingDirectory is null)
        {
            Directory.CreateDirectory(workingDirectory);
        }

        var policy = await endpoints.ResolveAsync(pipeline.EndpointName, cancellationToken);
        run.ChampionVersion = policy?.Routes
            .Where(r => r.Role == RouteRole.Weighted && r.ModelName == pipeline.ModelName)
            .OrderByDescending(r => r.Weight).ThenByDescending(r => r.Version)
            .Select(r => (int?)r.Version).FirstOrDefault();

        var pending = new RunningTraining(run.Id, null!, token.Token.Id, directory);
        IPipelineExecution execution;
        try
        {
            execution = await executor.StartAsync(new PipelineExecutionRequest(run.Id.ToString(), command.Executable, command.Arguments, workingDirectory, environment,
                timeout, command.MemoryLimitMb, command.CpuLimitSeconds, pending.StdoutPath, pending.StderrPath), cancellationToken);
        }
        catch (PipelineExecutionException e)
        {
            await tokens.RevokeAsync(token.Token.Id, LoopActors.Loop, cancellationToken);
            await tracking.UpdateRunAsync(trackingRun.Id, new RunUpdate(RunStatus.Failed, clock.GetUtcNow().ToUnixTimeMilliseconds(), null), LoopActors.Loop, cancellationToken);
            await FailAsync(run, e.Message, cancellationToken);
            return;
        }

        processes.Add(pending with { Execution = execution });
        run.StartedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
        run.Status = PipelineRunStatus.Running;
        run.UpdatedAt = run.StartedAt.Value;
        await pipelines.UpdateRunAsync(run, cancellationToken);
        await audit.RecordAsync(LoopActors.Loop, AuditRecord.Of("pipeline.run.start", $"pipeline/{pipeline.Name}/runs/{run.Number}", new
        {
            TrackingRunId = trackingRun.Id,
            ExperimentId = experimentId,
            command.Executable,
            command.Arguments,
            WorkingDirectory = workingDirectory,
            command.TimeoutSeconds,
            command.MemoryLimitMb,
            command.CpuLimitSeconds,
            DatasetId = dataset?.Id,
            run.ChampionVersion,
            Notes = execution.Notes,
        }), cancellationToken);
        LogStarted(logger, pipeline.Name, run.Number, trackingRun.Id);
    }

    private async Task FailAsync(PipelineRun run, string error, CancellationToken cancellationToken)
    {
        run.Status = PipelineRunStatus.Failed;
        run.Phase = LoopPhases.Failed;
        run.Error = error;
        run.UpdatedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
        if (run.TrackingRunId is { } trackingRunId)
        {
            var tracked = await tracking.GetRunAsync(trackingRunId, cancellationToken);
            if (tracked.Status is RunStatus.Running or RunStatus.Scheduled)
            {
                await tracking.UpdateRunAsync(trackingRunId, new RunUpdate(RunStatus.Failed, run.UpdatedAt, null), LoopActors.Loop, cancellationToken);
            }
        }

        await pipelines.UpdateRunAsync(run, cancellationToken);
        await audit.RecordAsync(LoopActors.Loop, AuditRecord.Of("pipeline.run.end", $"pipeline/{run.PipelineName}/runs/{run.Number}",
            new { run.Status, run.Phase, run.Error }), cancellationToken);
    }

    private async Task CopyAsync(string artifactPath, string target, CancellationToken cancellationToken)
    {
        await using var source = await artifacts.OpenReadAsync(artifactPath, cancellationToken);
        await using var file = new FileStream(target, FileMode.Create, FileAccess.Write);
        await source.CopyToAsync(file, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pipeline {Pipeline} run {Number} started its training command (tracking run {TrackingRunId})")]
    private static partial void LogStarted(ILogger logger, string pipeline, int number, string trackingRunId);
}
