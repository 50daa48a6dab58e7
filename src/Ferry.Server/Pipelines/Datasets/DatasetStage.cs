using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Pipelines;

namespace Ferry.Server.Pipelines.Datasets;

/// <summary>
/// The loop's dataset stage (Order 200): each <see cref="LoopPhases.Queued"/> run gets its pipeline's dataset, built
/// from the recipe with the window [queued − WindowHours, queued) and the label join as of the moment it was queued, and
/// moves to <see cref="LoopPhases.Training"/> (at once when the pipeline builds no dataset). A build that fails, or that
/// yields no rows, fails the run with the reason. Each decision is audited (<c>pipeline.dataset</c>, actor
/// <see cref="LoopActors.Loop"/>).
/// </summary>
public sealed partial class DatasetStage(
    IPipelineStore pipelines,
    DatasetBuilder builder,
    IAuditLog audit,
    TimeProvider clock,
    ILogger<DatasetStage> logger) : ILoopStage
{
    /// <inheritdoc />
    public int Order => 200;

    /// <inheritdoc />
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        foreach (var run in await pipelines.ListRunsInPhasesAsync([LoopPhases.Queued], cancellationToken))
        {
            await AdvanceAsync(run, cancellationToken);
        }
    }

    private async Task AdvanceAsync(PipelineRun run, CancellationToken cancellationToken)
    {
        var pipeline = await pipelines.FindByIdAsync(run.PipelineId, cancellationToken);
        TrainingDataset? dataset = null;
        string? error = null;
        if (pipeline is null)
        {
            error = $"pipeline '{run.PipelineName}' no longer exists";
        }
        else if (pipeline.Spec().Dataset is { } recipe)
        {
            try
            {
                dataset = await builder.BuildAsync(Spec(pipeline, run, recipe), LoopActors.Loop, null, cancellationToken);
                if (dataset.Rows + dataset.ReferenceRows == 0)
                {
                    error = $"dataset {dataset.Name} has no rows to train on: no {(recipe.LabelledOnly ? "labelled " : string.Empty)}production rows in the {recipe.WindowHours} h before the run was queued";
                }
            }
            catch (FerryException e)
            {
                error = "dataset: " + e.Message;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                LogBuildFailed(logger, run.PipelineName, run.Number, e);
                error = "dataset: " + e.Message;
            }
        }

        run.DatasetId = dataset?.Id;
        run.Phase = error is null ? LoopPhases.Training : LoopPhases.Failed;
        run.Error = error;
        run.UpdatedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await pipelines.UpdateRunAsync(run, cancellationToken);
        await audit.RecordAsync(LoopActors.Loop, AuditRecord.Of("pipeline.dataset", $"pipeline/{run.PipelineName}/runs/{run.Number}", new
        {
            run.Id,
            phase = run.Phase,
            dataset = dataset?.Name,
            datasetId = dataset?.Id,
            rows = dataset?.Rows,
            labelledRows = dataset?.LabelledRows,
            holdoutRows = dataset?.HoldoutRows,
            digest = dataset?.Digest,
            error,
        }), cancellationToken);
    }

    /// <summary>The build a run's recipe asks for: the window before the run was queued, labels as of then.</summary>
    public static DatasetBuildSpec Spec(TrainingPipeline pipeline, PipelineRun run, DatasetRecipe recipe)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(recipe);
        return new DatasetBuildSpec
        {
            Endpoint = pipeline.EndpointName,
            From = run.QueuedAt - (long)(recipe.WindowHours * 3_600_000),
            To = run.QueuedAt,
            AsOf = run.QueuedAt,
            LabelDelayMaxMs = recipe.LabelDelayMaxHours is { } hours ? (long)(hours * 3_600_000) : null,
            WithReference = recipe.WithReference,
            HoldoutFraction = recipe.HoldoutFraction,
            LabelledOnly = recipe.LabelledOnly,
            For = $"{pipeline.Name}-run-{run.Number}",
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The dataset of pipeline {Pipeline} run {Number} could not be built")]
    private static partial void LogBuildFailed(ILogger logger, string pipeline, int number, Exception exception);
}
