using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Pipelines;
using Ferry.Storage.Audit;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Pipelines;

/// <summary>Pipelines, runs and firings; pipeline changes and firings are audited in the same transaction.</summary>
public sealed class PipelineStore(FerryDbContext db, AuditedWriter writer, TimeProvider clock) : IPipelineStore
{
    /// <inheritdoc />
    public async Task<TrainingPipeline> CreateAsync(TrainingPipeline pipeline, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var now = clock.GetUtcNow();
        return await writer.RunAsync(actor, async (context, ct) =>
        {
            if (await context.Pipelines.AnyAsync(p => p.Name == pipeline.Name, ct))
            {
                throw new AlreadyExistsException($"pipeline '{pipeline.Name}' already exists");
            }

            var stored = Copy(pipeline);
            stored.Id = Guid.CreateVersion7(now);
            stored.CreatedBy = actor;
            stored.CreatedAt = stored.UpdatedAt = now.ToUnixTimeMilliseconds();
            context.Pipelines.Add(stored);
            return (Copy(stored), AuditRecord.Of("pipeline.create", Target(stored.Name), View(stored)));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<TrainingPipeline> UpdateAsync(TrainingPipeline pipeline, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return await writer.RunAsync(actor, async (context, ct) =>
        {
            var stored = await context.Pipelines.FirstOrDefaultAsync(p => p.Name == pipeline.Name, ct)
                ?? throw new NotFoundException($"pipeline '{pipeline.Name}' does not exist");
            var before = View(stored);
            stored.EndpointName = pipeline.EndpointName;
            stored.ModelName = pipeline.ModelName;
            stored.ExperimentName = pipeline.ExperimentName;
            stored.SpecJson = pipeline.SpecJson;
            stored.Enabled = pipeline.Enabled;
            stored.UpdatedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
            return (Copy(stored), AuditRecord.Of("pipeline.update", Target(stored.Name), new { Before = before, After = View(stored) }));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string name, string actor, CancellationToken cancellationToken = default)
    {
        if (!await db.Pipelines.AnyAsync(p => p.Name == name, cancellationToken))
        {
            return false;
        }

        return await writer.RunAsync(actor, async (context, ct) =>
        {
            var stored = await context.Pipelines.FirstOrDefaultAsync(p => p.Name == name, ct);
            if (stored is null)
            {
                return (false, AuditRecord.Of("pipeline.delete", Target(name), new { Existed = false }));
            }

            context.Pipelines.Remove(stored);
            return (true, AuditRecord.Of("pipeline.delete", Target(name), View(stored)));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<TrainingPipeline?> FindAsync(string name, CancellationToken cancellationToken = default) =>
        await db.Pipelines.AsNoTracking().FirstOrDefaultAsync(p => p.Name == name, cancellationToken);

    /// <inheritdoc />
    public async Task<TrainingPipeline?> FindByIdAsync(Guid id, CancellationToken cancellationToken = default) =>
        await db.Pipelines.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<TrainingPipeline>> ListAsync(string? endpointName, CancellationToken cancellationToken = default) =>
        await db.Pipelines.AsNoTracking().Where(p => endpointName == null || p.EndpointName == endpointName)
            .OrderBy(p => p.Name).ToListAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<(TriggerFiring Firing, PipelineRun? Run)> FireAsync(TriggerFiring firing, PipelineRun? run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(firing);
        var now = clock.GetUtcNow();
        var actor = run?.RequestedBy is { Length: > 0 } who ? who : "ferry-loop";
        try
        {
            return await writer.RunAsync(actor, async (context, ct) =>
            {
                var stored = CopyFiring(firing);
                stored.Id = stored.Id == Guid.Empty ? Guid.CreateVersion7(now) : stored.Id;
                stored.At = stored.At == 0 ? now.ToUnixTimeMilliseconds() : stored.At;
                PipelineRun? started = null;
                if (stored.Outcome == FiringOutcomes.Started && run is not null)
                {
                    if (await context.PipelineRuns.AnyAsync(r => r.PipelineId == stored.PipelineId && r.Active, ct))
                    {
                        stored.Outcome = FiringOutcomes.Busy;
                    }
                    else
                    {
                        started = CopyRun(run);
                        started.Id = started.Id == Guid.Empty ? Guid.CreateVersion7(now) : started.Id;
                        started.PipelineId = stored.PipelineId;
                        started.PipelineName = stored.PipelineName;
                        started.FiringId = stored.Id;
                        started.TriggerKind = stored.Kind;
                        started.TriggerReason = stored.Reason;
                        started.Number = 1 + (await context.PipelineRuns.Where(r => r.PipelineId == stored.PipelineId)
                            .Select(r => (int?)r.Number).MaxAsync(ct) ?? 0);
                        started.Active = true;
                        started.QueuedAt = started.UpdatedAt = stored.At;
                        stored.RunId = started.Id;
                        context.PipelineRuns.Add(started);
                    }
                }

                context.TriggerFirings.Add(stored);
                var record = AuditRecord.Of("pipeline.fire", Target(stored.PipelineName), new
                {
                    stored.Kind,
                    stored.Reason,
                    stored.Source,
                    stored.Outcome,
                    Run = started?.Number,
                });
                return ((CopyFiring(stored), started is null ? null : CopyRun(started)), record);
            }, cancellationToken);
        }
        catch (DbUpdateException) when (run is not null)
        {
            // Another replica started a run of this pipeline between the check and the insert (the one-active index).
            var busy = CopyFiring(firing);
            busy.Outcome = FiringOutcomes.Busy;
            return await FireAsync(busy, null, cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task UpdateRunAsync(PipelineRun run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        var stored = await db.PipelineRuns.FirstOrDefaultAsync(r => r.Id == run.Id, cancellationToken)
            ?? throw new NotFoundException($"pipeline run {run.Id} does not exist");
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var terminal = LoopPhases.IsTerminal(run.Phase);
        if (stored.Phase != run.Phase)
        {
            run.UpdatedAt = now;
        }

        run.Active = !terminal;
        run.FinishedAt = terminal ? run.FinishedAt ?? now : null;
        db.Entry(stored).CurrentValues.SetValues(run);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(stored).State = EntityState.Detached;
    }

    /// <inheritdoc />
    public async Task<PipelineRun?> FindRunAsync(Guid id, CancellationToken cancellationToken = default) =>
        await db.PipelineRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<PipelineRun>> ListRunsAsync(string? pipelineName, string? phase, int limit, CancellationToken cancellationToken = default) =>
        await db.PipelineRuns.AsNoTracking()
            .Where(r => (pipelineName == null || r.PipelineName == pipelineName) && (phase == null || r.Phase == phase))
            .OrderByDescending(r => r.QueuedAt).ThenByDescending(r => r.Number)
            .Take(Math.Clamp(limit, 1, 1000)).ToListAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<PipelineRun>> ListRunsInPhasesAsync(IReadOnlyCollection<string> phases, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(phases);
        var wanted = phases.ToList();
        return await db.PipelineRuns.AsNoTracking().Where(r => wanted.Contains(r.Phase))
            .OrderBy(r => r.QueuedAt).ThenBy(r => r.Id).ToListAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TriggerFiring>> ListFiringsAsync(string? pipelineName, int limit, CancellationToken cancellationToken = default) =>
        await db.TriggerFirings.AsNoTracking()
            .Where(f => pipelineName == null || f.PipelineName == pipelineName)
            .OrderByDescending(f => f.At).ThenByDescending(f => f.Id)
            .Take(Math.Clamp(limit, 1, 1000)).ToListAsync(cancellationToken);

    private static string Target(string name) => $"pipeline/{name}";

    private static object View(TrainingPipeline p) => new { p.Name, p.EndpointName, p.ModelName, p.ExperimentName, p.Enabled, Spec = p.SpecJson };

    private static TrainingPipeline Copy(TrainingPipeline p) => new()
    {
        Id = p.Id,
        Name = p.Name,
        EndpointName = p.EndpointName,
        ModelName = p.ModelName,
        ExperimentName = p.ExperimentName,
        SpecJson = p.SpecJson,
        Enabled = p.Enabled,
        CreatedBy = p.CreatedBy,
        CreatedAt = p.CreatedAt,
        UpdatedAt = p.UpdatedAt,
    };

    private static TriggerFiring CopyFiring(TriggerFiring f) => new()
    {
        Id = f.Id,
        PipelineId = f.PipelineId,
        PipelineName = f.PipelineName,
        Kind = f.Kind,
        Reason = f.Reason,
        Source = f.Source,
        Outcome = f.Outcome,
        RunId = f.RunId,
        At = f.At,
    };

    private static PipelineRun CopyRun(PipelineRun r)
    {
        var copy = new PipelineRun { PipelineName = r.PipelineName };
        foreach (var property in typeof(PipelineRun).GetProperties())
        {
            property.SetValue(copy, property.GetValue(r));
        }

        return copy;
    }
}
