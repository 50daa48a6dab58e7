namespace Ferry.Core.Pipelines;

/// <summary>
/// Port: pipelines, their runs and their trigger firings. Creating, changing and deleting a pipeline are audited
/// (<c>pipeline.create</c>, <c>pipeline.update</c>, <c>pipeline.delete</c>); a run's phase changes are audited by the
/// stage that makes them.
/// </summary>
public interface IPipelineStore
{
    /// <summary>Creates a pipeline; AlreadyExistsException when the name is taken.</summary>
    Task<TrainingPipeline> CreateAsync(TrainingPipeline pipeline, string actor, CancellationToken cancellationToken = default);

    /// <summary>Replaces a pipeline's spec, endpoint, model, experiment and enabled flag; NotFoundException when unknown.</summary>
    Task<TrainingPipeline> UpdateAsync(TrainingPipeline pipeline, string actor, CancellationToken cancellationToken = default);

    /// <summary>Deletes a pipeline (its runs and firings stay); false when there was none.</summary>
    Task<bool> DeleteAsync(string name, string actor, CancellationToken cancellationToken = default);

    /// <summary>A pipeline by name, or null.</summary>
    Task<TrainingPipeline?> FindAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>A pipeline by id, or null.</summary>
    Task<TrainingPipeline?> FindByIdAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Pipelines by name, optionally of one endpoint.</summary>
    Task<IReadOnlyList<TrainingPipeline>> ListAsync(string? endpointName, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records <paramref name="firing"/> and, when its outcome is <see cref="FiringOutcomes.Started"/>, adds
    /// <paramref name="run"/> (numbered next for its pipeline) in the same transaction. A run while another of the
    /// pipeline is active turns the firing's outcome into <see cref="FiringOutcomes.Busy"/> and adds no run. Returns the
    /// firing as stored and the run, or null.
    /// </summary>
    Task<(TriggerFiring Firing, PipelineRun? Run)> FireAsync(TriggerFiring firing, PipelineRun? run, CancellationToken cancellationToken = default);

    /// <summary>Saves a changed run; keeps <see cref="PipelineRun.Active"/> and <see cref="PipelineRun.FinishedAt"/> in step with its phase.</summary>
    Task UpdateRunAsync(PipelineRun run, CancellationToken cancellationToken = default);

    /// <summary>A run by id, or null.</summary>
    Task<PipelineRun?> FindRunAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Runs, newest first, optionally of one pipeline and/or in one phase; at most <paramref name="limit"/> (1..1000).</summary>
    Task<IReadOnlyList<PipelineRun>> ListRunsAsync(string? pipelineName, string? phase, int limit, CancellationToken cancellationToken = default);

    /// <summary>Every run in one of <paramref name="phases"/>, oldest first (what a loop stage picks up).</summary>
    Task<IReadOnlyList<PipelineRun>> ListRunsInPhasesAsync(IReadOnlyCollection<string> phases, CancellationToken cancellationToken = default);

    /// <summary>Firings, newest first, optionally of one pipeline; at most <paramref name="limit"/> (1..1000).</summary>
    Task<IReadOnlyList<TriggerFiring>> ListFiringsAsync(string? pipelineName, int limit, CancellationToken cancellationToken = default);
}
