using Ferry.Core.Audit;
using Ferry.Core.Tracking;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Tracking;

/// <summary>Runs: create, read, update, soft delete and restore.</summary>
public sealed partial class TrackingStore
{
    /// <inheritdoc />
    public Task<Run> CreateRunAsync(NewRun run, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        var tags = RunTags(run.Tags);
        var name = ResolveRunName(run.RunName, tags);
        tags[RunNameTag] = name;
        return writer.RunAsync(actor, async (context, ct) =>
        {
            var experiment = await context.Experiments.FirstOrDefaultAsync(e => e.Id == run.ExperimentId, ct)
                ?? throw ExperimentNotFound(run.ExperimentId);
            if (experiment.LifecycleStage != LifecycleStage.Active)
            {
                throw new TrackingRequestException(
                    $"The experiment {experiment.Id} must be in the 'active' state. Current state is {experiment.LifecycleStage}.");
            }

            var id = Guid.NewGuid().ToString("N");
            var created = new Run
            {
                Id = id,
                ExperimentId = experiment.Id,
                Name = name,
                UserId = run.UserId ?? string.Empty,
                Status = RunStatus.Running,
                StartTime = run.StartTime ?? Now(),
                ArtifactUri = $"{experiment.ArtifactLocation.TrimEnd('/')}/{id}/artifacts",
                Tags = [.. tags.Select(t => new RunTag { RunId = id, Key = t.Key, Value = t.Value })],
            };
            context.Runs.Add(created);
            return (created, AuditRecord.Of("run.create", $"run/{id}", new { ExperimentId = experiment.Id, Name = name, Tags = tags.Count }));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Run> GetRunAsync(string runId, CancellationToken cancellationToken = default) =>
        await db.Runs.AsNoTracking()
            .Include(r => r.Params)
            .Include(r => r.Tags)
            .Include(r => r.LatestMetrics)
            .Include(r => r.DatasetInputs)
            .Include(r => r.ModelLinks)
            .AsSplitQuery()
            .FirstOrDefaultAsync(r => r.Id == runId, cancellationToken)
        ?? throw RunNotFound(runId);

    /// <inheritdoc />
    public Task<long?> FindRunExperimentIdAsync(string runId, CancellationToken cancellationToken = default) =>
        db.Runs.AsNoTracking()
            .Where(r => r.Id == runId)
            .Select(r => (long?)r.ExperimentId)
            .FirstOrDefaultAsync(cancellationToken);

    /// <inheritdoc />
    public Task<string?> FindRunArtifactUriAsync(string runId, CancellationToken cancellationToken = default) =>
        db.Runs.AsNoTracking()
            .Where(r => r.Id == runId)
            .Select(r => r.ArtifactUri)
            .FirstOrDefaultAsync(cancellationToken);

    /// <inheritdoc />
    public Task<Run> UpdateRunAsync(string runId, RunUpdate update, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.Status is { } status && !RunStatus.All.Contains(status))
        {
            throw new TrackingRequestException($"Invalid value for parameter 'status' supplied: '{status}' is not one of {string.Join(", ", RunStatus.All)}.");
        }

        if (update.RunName is { Length: > 250 })
        {
            throw new TrackingRequestException($"Run name had length {update.RunName.Length}, which exceeded length limit of 250.");
        }

        return writer.RunAsync(actor, async (context, ct) =>
        {
            var run = await LoadActiveRunAsync(context, runId, ct);
            run.Status = update.Status ?? run.Status;
            run.EndTime = update.EndTime ?? run.EndTime;
            if (!string.IsNullOrEmpty(update.RunName))
            {
                run.Name = update.RunName;
                await UpsertTagAsync(context, runId, RunNameTag, update.RunName, ct);
            }

            return (run, AuditRecord.Of("run.update", $"run/{runId}", new { update.Status, update.EndTime, update.RunName }));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task SetRunDeletedAsync(string runId, bool deleted, string actor, CancellationToken cancellationToken = default) =>
        writer.RunAsync(actor, async (context, ct) =>
        {
            var run = await context.Runs.FirstOrDefaultAsync(r => r.Id == runId, ct) ?? throw RunNotFound(runId);
            if (!deleted)
            {
                var experimentStage = await context.Experiments.Where(e => e.Id == run.ExperimentId).Select(e => e.LifecycleStage).FirstAsync(ct);
                if (experimentStage != LifecycleStage.Active)
                {
                    throw new TrackingRequestException($"Cannot restore run {runId}: its experiment {run.ExperimentId} is deleted.");
                }
            }

            run.LifecycleStage = deleted ? LifecycleStage.Deleted : LifecycleStage.Active;
            run.DeletedTime = deleted ? Now() : null;
            return (true, AuditRecord.Of(deleted ? "run.delete" : "run.restore", $"run/{runId}", new { run.ExperimentId }));
        }, cancellationToken);

    private static string ResolveRunName(string? requested, Dictionary<string, string> tags)
    {
        tags.TryGetValue(RunNameTag, out var tagged);
        if (!string.IsNullOrEmpty(requested) && !string.IsNullOrEmpty(tagged) && requested != tagged)
        {
            throw new TrackingRequestException(
                $"Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='{requested}', mlflow.runName='{tagged}').");
        }

        var name = !string.IsNullOrEmpty(requested) ? requested : !string.IsNullOrEmpty(tagged) ? tagged : RunNames.Generate();
        return name.Length <= 250 ? name : throw new TrackingRequestException($"Run name had length {name.Length}, which exceeded length limit of 250.");
    }

    private static Dictionary<string, string> RunTags(IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in tags)
        {
            TrackingLimits.CheckKey(key, "tag");
            TrackingLimits.CheckValue(key, value, TrackingLimits.MaxRunTagValueLength, "tag");
            map[key] = value ?? string.Empty;
        }

        return map;
    }

    private static async Task UpsertTagAsync(FerryDbContext context, string runId, string key, string value, CancellationToken cancellationToken)
    {
        var tag = await context.RunTags.FirstOrDefaultAsync(t => t.RunId == runId && t.Key == key, cancellationToken);
        if (tag is null)
        {
            context.RunTags.Add(new RunTag { RunId = runId, Key = key, Value = value });
        }
        else
        {
            tag.Value = value;
        }
    }
}
