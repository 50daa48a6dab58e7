using System.Globalization;
using Ferry.Core.Audit;
using Ferry.Core.Registry;
using Microsoft.EntityFrameworkCore;
using static Ferry.Storage.Registry.RegistryQueries;

namespace Ferry.Storage.Registry;

/// <summary>Model versions.</summary>
public sealed partial class RegistryStore
{
    /// <inheritdoc />
    public async Task<RegistryVersion> CreateVersionAsync(NewModelVersion version, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        var tags = version.Tags.Select(t => new ModelVersionTag { Key = RegistryValidation.TagKey(t.Key), Value = t.Value ?? string.Empty })
            .DistinctBy(t => t.Key, StringComparer.Ordinal).ToList();
        var number = await writer.RunAsync(actor, async (context, ct) =>
        {
            var model = await TrackedModelAsync(context, version.ModelName, ct);
            var last = await context.ModelVersions.Where(v => v.ModelId == model.Id).MaxAsync(v => (int?)v.Version, ct) ?? 0;
            var now = Now();
            var created = new ModelVersion
            {
                Id = Guid.CreateVersion7(),
                ModelId = model.Id,
                Version = last + 1,
                Source = version.Source,
                ArtifactPath = version.ArtifactPath,
                RunId = string.IsNullOrEmpty(version.RunId) ? null : version.RunId,
                RunLink = version.RunLink ?? string.Empty,
                Description = version.Description ?? string.Empty,
                UserId = actor,
                Flavor = version.Flavor,
                SignatureJson = version.SignatureJson,
                MlflowModelId = version.MlflowModelId,
                CreationTimestamp = now,
                LastUpdatedTimestamp = now,
                Tags = tags,
            };
            context.ModelVersions.Add(created);
            model.LastUpdatedTimestamp = now;
            return (created.Version, AuditRecord.Of("model-version.create", Target(model.Name, created.Version), new
            {
                created.Source,
                created.RunId,
                created.ArtifactPath,
                created.Flavor,
                Tags = tags.ToDictionary(t => t.Key, t => t.Value),
            }));
        }, cancellationToken);
        return await GetVersionAsync(version.ModelName, number, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<RegistryVersion> GetVersionAsync(string name, int version, CancellationToken cancellationToken = default)
    {
        var model = await db.RegisteredModels.AsNoTracking().Include(m => m.Aliases)
            .FirstOrDefaultAsync(m => m.Name == name, cancellationToken) ?? throw ModelNotFound(name);
        var row = await db.ModelVersions.AsNoTracking().Include(v => v.Tags)
            .FirstOrDefaultAsync(v => v.ModelId == model.Id && v.Version == version && !v.IsDeleted, cancellationToken)
            ?? throw VersionNotFound(name, version);
        return View(model, row);
    }

    /// <inheritdoc />
    public async Task<RegistryVersion> UpdateVersionAsync(string name, int version, string? description, string actor, CancellationToken cancellationToken = default)
    {
        await writer.RunAsync(actor, async (context, ct) =>
        {
            var model = await TrackedModelAsync(context, name, ct);
            var row = await TrackedVersionAsync(context, model.Id, name, version, ct);
            var before = row.Description;
            row.Description = description ?? row.Description;
            row.LastUpdatedTimestamp = Now();
            return (true, AuditRecord.Of("model-version.update", Target(name, version), new { Before = new { Description = before }, After = new { row.Description } }));
        }, cancellationToken);
        return await GetVersionAsync(name, version, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteVersionAsync(string name, int version, RegistryCaller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return writer.RunAsync(caller.Actor, async (context, ct) =>
        {
            var model = await context.RegisteredModels.Include(m => m.Aliases).FirstOrDefaultAsync(m => m.Name == name, ct) ?? throw ModelNotFound(name);
            var row = await TrackedVersionAsync(context, model.Id, name, version, ct);
            var aliases = model.Aliases.Where(a => a.Version == version).ToList();
            if (row.CurrentStage == ModelStage.Production || aliases.Any(a => ProtectedAliases.IsProtected(a.Alias)))
            {
                RegistryValidation.Protected(caller, $"Deleting version {version} of '{name}', which is in Production or holds the champion alias,");
            }

            foreach (var alias in aliases)
            {
                model.Aliases.Remove(alias);
            }

            await context.ReferenceColumns.Where(c => c.ModelName == name && c.ModelVersion == version).ExecuteDeleteAsync(ct); // private copies of reference data go with the version
            var now = Now();
            row.IsDeleted = true;
            row.LastUpdatedTimestamp = now;
            model.LastUpdatedTimestamp = now;
            return (true, AuditRecord.Of("model-version.delete", Target(name, version), new
            {
                Stage = row.CurrentStage,
                RemovedAliases = aliases.Select(a => a.Alias).ToList(),
            }));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<RegistryVersion> TransitionStageAsync(string name, int version, string stage, bool archiveExisting, RegistryCaller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var target = RegistryValidation.Stage(stage);
        if (archiveExisting && target is not (ModelStage.Staging or ModelStage.Production))
        {
            throw new Core.Errors.ValidationException("archive_existing_versions", $"can only be true when transitioning to Staging or Production, not {target}");
        }

        await writer.RunAsync(caller.Actor, async (context, ct) =>
        {
            var model = await TrackedModelAsync(context, name, ct);
            var row = await TrackedVersionAsync(context, model.Id, name, version, ct);
            var before = row.CurrentStage;
            if (before == ModelStage.Production || target == ModelStage.Production)
            {
                RegistryValidation.Protected(caller, $"Moving version {version} of '{name}' from {before} to {target}");
            }

            var now = Now();
            var archived = new List<int>();
            if (archiveExisting)
            {
                var others = await context.ModelVersions
                    .Where(v => v.ModelId == model.Id && v.Version != version && !v.IsDeleted && v.CurrentStage == target)
                    .ToListAsync(ct);
                foreach (var other in others)
                {
                    other.CurrentStage = ModelStage.Archived;
                    other.LastUpdatedTimestamp = now;
                    archived.Add(other.Version);
                }
            }

            row.CurrentStage = target;
            row.LastUpdatedTimestamp = now;
            model.LastUpdatedTimestamp = now;
            return (true, AuditRecord.Of("model-version.stage", Target(name, version), new
            {
                Before = before,
                After = target,
                ArchivedVersions = archived.Order().ToList(),
            }));
        }, cancellationToken);
        return await GetVersionAsync(name, version, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<RegistryPage<RegistryVersion>> SearchVersionsAsync(RegistrySearch search, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        var (filter, orders, offset, models) = await LoadSearchAsync(search, RegistrySearchTarget.Versions, cancellationToken);
        var matches = models
            .SelectMany(m => m.Versions.Select(v => View(m, v)))
            .Where(v => filter.Matches(c => c.Attribute switch
            {
                RegistryAttributes.Tag => v.Version.Tags.FirstOrDefault(t => t.Key == c.TagKey)?.Value,
                RegistryAttributes.RunId => v.Version.RunId,
                RegistryAttributes.SourcePath => v.Version.Source,
                RegistryAttributes.VersionNumber => v.Version.Version.ToString(CultureInfo.InvariantCulture),
                _ => v.ModelName,
            }))
            .ToList();
        IOrderedEnumerable<RegistryVersion>? sorted = null;
        foreach (var order in orders)
        {
            Func<RegistryVersion, object> key = order.Key switch
            {
                RegistryAttributes.VersionNumber => v => v.Version.Version,
                RegistryOrder.CreationTimestamp => v => v.Version.CreationTimestamp,
                RegistryOrder.LastUpdatedTimestamp => v => v.Version.LastUpdatedTimestamp,
                _ => v => v.ModelName,
            };
            sorted = Sort(sorted, matches, key, order.Descending);
        }

        if (!orders.Any(o => o.Key == RegistryAttributes.Name))
        {
            sorted = Sort(sorted, matches, v => v.ModelName, descending: false);
        }

        if (!orders.Any(o => o.Key == RegistryAttributes.VersionNumber))
        {
            sorted = Sort(sorted, matches, v => v.Version.Version, descending: true);
        }

        return Page(sorted!, offset, search.MaxResults);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RegistryVersion>> GetLatestVersionsAsync(string name, IReadOnlyList<string> stages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stages);
        var wanted = stages.Count == 0 ? ModelStage.All : [.. stages.Select(RegistryValidation.Stage).Distinct()];
        var model = await GetModelAsync(name, cancellationToken);
        return [.. model.Versions
            .Where(v => wanted.Contains(v.CurrentStage))
            .GroupBy(v => v.CurrentStage)
            .Select(g => g.MaxBy(v => v.Version)!)
            .OrderBy(v => v.Version)
            .Select(v => View(model, v))];
    }

    /// <inheritdoc />
    public Task SetVersionTagAsync(string name, int version, string key, string value, string actor, CancellationToken cancellationToken = default)
    {
        var tagKey = RegistryValidation.TagKey(key);
        return writer.RunAsync(actor, async (context, ct) =>
        {
            var model = await TrackedModelAsync(context, name, ct);
            var row = await TrackedVersionAsync(context, model.Id, name, version, ct);
            var tag = row.Tags.FirstOrDefault(t => t.Key == tagKey);
            var before = tag?.Value;
            if (tag is null)
            {
                row.Tags.Add(new ModelVersionTag { Key = tagKey, Value = value ?? string.Empty });
            }
            else
            {
                tag.Value = value ?? string.Empty;
            }

            return (true, AuditRecord.Of("model-version.tag.set", Target(name, version), new { Key = tagKey, Before = before, After = value }));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteVersionTagAsync(string name, int version, string key, string actor, CancellationToken cancellationToken = default) =>
        writer.RunAsync(actor, async (context, ct) =>
        {
            var model = await TrackedModelAsync(context, name, ct);
            var row = await TrackedVersionAsync(context, model.Id, name, version, ct);
            var tag = row.Tags.FirstOrDefault(t => t.Key == key)
                ?? throw new Core.Errors.NotFoundException($"No tag with key '{key}' on version {version} of '{name}'.");
            row.Tags.Remove(tag);
            return (true, AuditRecord.Of("model-version.tag.delete", Target(name, version), new { Key = key, Before = tag.Value }));
        }, cancellationToken);
}
