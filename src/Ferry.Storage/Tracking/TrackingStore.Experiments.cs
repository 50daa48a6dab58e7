using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Tracking;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Tracking;

/// <summary>Experiments: create, read, rename, tags, soft delete and restore.</summary>
public sealed partial class TrackingStore
{
    /// <inheritdoc />
    public async Task<bool> EnsureDefaultExperimentAsync(string actor, CancellationToken cancellationToken = default)
    {
        if (await db.Experiments.AnyAsync(e => e.Id == Experiment.DefaultId, cancellationToken))
        {
            return false;
        }

        return await writer.RunAsync(actor, async (context, ct) =>
        {
            if (await context.Experiments.AnyAsync(e => e.Id == Experiment.DefaultId, ct))
            {
                return (false, AuditRecord.Of("experiment.create", "experiment/0", new { Name = "Default", AlreadyExisted = true }));
            }

            var (experiment, record) = DefaultExperiment(Now());
            context.Experiments.Add(experiment);
            return (true, record);
        }, cancellationToken);
    }

    /// <summary>MLflow's default experiment (id 0) as created at <paramref name="now"/> (epoch ms), with its audit record.</summary>
    internal static (Experiment Experiment, AuditRecord Record) DefaultExperiment(long now) =>
        (new Experiment
        {
            Id = Experiment.DefaultId,
            Name = "Default",
            ArtifactLocation = $"mlflow-artifacts:/{Experiment.DefaultId}",
            CreationTime = now,
            LastUpdateTime = now,
        }, AuditRecord.Of("experiment.create", "experiment/0", new { Name = "Default" }));

    /// <inheritdoc />
    public Task<long> CreateExperimentAsync(string name, string? artifactLocation, IReadOnlyList<KeyValuePair<string, string>> tags, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tags);
        CheckExperimentName(name);
        var tagMap = ExperimentTags(tags);
        return writer.RunAsync(actor, async (context, ct) =>
        {
            if (await context.Experiments.AnyAsync(e => e.Name == name, ct))
            {
                throw new AlreadyExistsException($"Experiment(name={name}) already exists.");
            }

            var id = Math.Max(await context.Experiments.MaxAsync(e => (long?)e.Id, ct) ?? Experiment.DefaultId, Experiment.DefaultId) + 1;
            var now = Now();
            context.Experiments.Add(new Experiment
            {
                Id = id,
                Name = name,
                ArtifactLocation = string.IsNullOrEmpty(artifactLocation) ? $"mlflow-artifacts:/{id}" : artifactLocation,
                CreationTime = now,
                LastUpdateTime = now,
                Tags = [.. tagMap.Select(t => new ExperimentTag { ExperimentId = id, Key = t.Key, Value = t.Value })],
            });
            return (id, AuditRecord.Of("experiment.create", $"experiment/{id}", new { Name = name, Tags = tagMap.Count }));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Experiment> GetExperimentAsync(long id, CancellationToken cancellationToken = default) =>
        await db.Experiments.AsNoTracking().Include(e => e.Tags).FirstOrDefaultAsync(e => e.Id == id, cancellationToken)
            ?? throw ExperimentNotFound(id);

    /// <inheritdoc />
    public async Task<Experiment?> FindExperimentByNameAsync(string name, CancellationToken cancellationToken = default) =>
        await db.Experiments.AsNoTracking().Include(e => e.Tags).FirstOrDefaultAsync(e => e.Name == name, cancellationToken);

    /// <inheritdoc />
    public Task SetExperimentDeletedAsync(long id, bool deleted, string actor, CancellationToken cancellationToken = default) =>
        writer.RunAsync(actor, async (context, ct) =>
        {
            var experiment = await context.Experiments.FirstOrDefaultAsync(e => e.Id == id, ct) ?? throw ExperimentNotFound(id);
            var now = Now();
            var (from, to) = deleted ? (LifecycleStage.Active, LifecycleStage.Deleted) : (LifecycleStage.Deleted, LifecycleStage.Active);
            if (!deleted && experiment.LifecycleStage != LifecycleStage.Deleted)
            {
                throw new TrackingRequestException($"Cannot restore an active experiment: experiment {id} is not deleted.");
            }

            experiment.LifecycleStage = to;
            experiment.LastUpdateTime = now;
            long? deletedTime = deleted ? now : null;
            var runs = await context.Runs.Where(r => r.ExperimentId == id && r.LifecycleStage == from)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.LifecycleStage, to).SetProperty(r => r.DeletedTime, deletedTime), ct);
            return (true, AuditRecord.Of(deleted ? "experiment.delete" : "experiment.restore", $"experiment/{id}", new { experiment.Name, Runs = runs }));
        }, cancellationToken);

    /// <inheritdoc />
    public Task RenameExperimentAsync(long id, string newName, string actor, CancellationToken cancellationToken = default)
    {
        CheckExperimentName(newName);
        return writer.RunAsync(actor, async (context, ct) =>
        {
            var experiment = await context.Experiments.FirstOrDefaultAsync(e => e.Id == id, ct) ?? throw ExperimentNotFound(id);
            if (experiment.LifecycleStage != LifecycleStage.Active)
            {
                throw new TrackingRequestException("Cannot rename a non-active experiment.");
            }

            if (experiment.Name != newName && await context.Experiments.AnyAsync(e => e.Name == newName, ct))
            {
                throw new AlreadyExistsException($"Experiment(name={newName}) already exists.");
            }

            var old = experiment.Name;
            experiment.Name = newName;
            experiment.LastUpdateTime = Now();
            return (true, AuditRecord.Of("experiment.rename", $"experiment/{id}", new { From = old, To = newName }));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task SetExperimentTagAsync(long id, string key, string? value, string actor, CancellationToken cancellationToken = default)
    {
        TrackingLimits.CheckKey(key, "tag");
        TrackingLimits.CheckValue(key, value, TrackingLimits.MaxExperimentTagValueLength, "tag");
        return writer.RunAsync(actor, async (context, ct) =>
        {
            var experiment = await context.Experiments.FirstOrDefaultAsync(e => e.Id == id, ct) ?? throw ExperimentNotFound(id);
            if (experiment.LifecycleStage != LifecycleStage.Active)
            {
                throw new TrackingRequestException($"The experiment {id} must be in the 'active' state. Current state is {experiment.LifecycleStage}.");
            }

            var tag = await context.ExperimentTags.FirstOrDefaultAsync(t => t.ExperimentId == id && t.Key == key, ct);
            if (value is null)
            {
                _ = tag ?? throw new NotFoundException($"No tag with name: {key} in experiment with id {id}");
                context.ExperimentTags.Remove(tag);
            }
            else if (tag is null)
            {
                context.ExperimentTags.Add(new ExperimentTag { ExperimentId = id, Key = key, Value = value });
            }
            else
            {
                tag.Value = value;
            }

            return (true, AuditRecord.Of(value is null ? "experiment.delete-tag" : "experiment.set-tag", $"experiment/{id}", new { Key = key }));
        }, cancellationToken);
    }

    private static void CheckExperimentName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new TrackingRequestException("Invalid experiment name: the name must be a non-empty string.");
        }

        if (name.Length > 500)
        {
            throw new TrackingRequestException($"Invalid experiment name: it had length {name.Length}, which exceeded length limit of 500.");
        }
    }

    private static Dictionary<string, string> ExperimentTags(IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in tags)
        {
            TrackingLimits.CheckKey(key, "tag");
            TrackingLimits.CheckValue(key, value, TrackingLimits.MaxExperimentTagValueLength, "tag");
            map[key] = value ?? string.Empty;
        }

        return map;
    }
}
