using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Registry;
using Ferry.Core.Tracking;
using Ferry.Storage.Audit;
using Microsoft.EntityFrameworkCore;
using static Ferry.Storage.Registry.RegistryQueries;

namespace Ferry.Storage.Registry;

/// <summary>
/// The model registry in <see cref="FerryDbContext"/>. Writes go through <see cref="AuditedWriter"/> (one event per
/// call); searches parse MLflow's filter grammar and evaluate it in memory, so LIKE and tag semantics are identical
/// on SQLite and PostgreSQL (an equality on <c>name</c> is pushed down to SQL).
/// </summary>
public sealed partial class RegistryStore(FerryDbContext db, AuditedWriter writer, TimeProvider clock) : IRegistryStore
{
    private long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <inheritdoc />
    public async Task<RegisteredModel> CreateModelAsync(NewRegisteredModel model, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var name = RegistryValidation.Name(model.Name);
        var tags = model.Tags.Select(t => new RegisteredModelTag { Key = RegistryValidation.TagKey(t.Key), Value = t.Value ?? string.Empty })
            .DistinctBy(t => t.Key, StringComparer.Ordinal).ToList();
        await writer.RunAsync(actor, async (context, ct) =>
        {
            if (await context.RegisteredModels.AnyAsync(m => m.Name == name, ct))
            {
                throw new AlreadyExistsException($"Registered Model (name={name}) already exists.");
            }

            var now = Now();
            context.RegisteredModels.Add(new RegisteredModel
            {
                Id = Guid.CreateVersion7(),
                Name = name,
                Description = model.Description ?? string.Empty,
                UserId = actor,
                CreationTimestamp = now,
                LastUpdatedTimestamp = now,
                Tags = tags,
            });
            return (true, AuditRecord.Of("model.create", Target(name), new { Name = name, model.Description, Tags = tags.ToDictionary(t => t.Key, t => t.Value) }));
        }, cancellationToken);
        return await GetModelAsync(name, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<RegisteredModel> GetModelAsync(string name, CancellationToken cancellationToken = default) =>
        await Full(db).FirstOrDefaultAsync(m => m.Name == name, cancellationToken) ?? throw ModelNotFound(name);

    /// <inheritdoc />
    public async Task<IReadOnlyList<RegisteredModel>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        var models = await Full(db).ToListAsync(cancellationToken);
        return [.. models.OrderBy(m => m.Name, StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public async Task<RegisteredModel> UpdateModelAsync(string name, string? description, string actor, CancellationToken cancellationToken = default)
    {
        await writer.RunAsync(actor, async (context, ct) =>
        {
            var model = await TrackedModelAsync(context, name, ct);
            var before = model.Description;
            model.Description = description ?? model.Description;
            model.LastUpdatedTimestamp = Now();
            return (true, AuditRecord.Of("model.update", Target(name), new { Before = new { Description = before }, After = new { model.Description } }));
        }, cancellationToken);
        return await GetModelAsync(name, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<RegisteredModel> RenameModelAsync(string name, string newName, string actor, CancellationToken cancellationToken = default)
    {
        var renamed = RegistryValidation.Name(newName, "new_name");
        await writer.RunAsync(actor, async (context, ct) =>
        {
            var model = await TrackedModelAsync(context, name, ct);
            if (await context.RegisteredModels.AnyAsync(m => m.Name == renamed, ct))
            {
                throw new AlreadyExistsException($"Registered Model (name={renamed}) already exists.");
            }

            model.Name = renamed;
            model.LastUpdatedTimestamp = Now();
            return (true, AuditRecord.Of("model.rename", Target(name), new { Before = new { Name = name }, After = new { Name = renamed } }));
        }, cancellationToken);
        return await GetModelAsync(renamed, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteModelAsync(string name, RegistryCaller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return writer.RunAsync(caller.Actor, async (context, ct) =>
        {
            var model = await context.RegisteredModels.Include(m => m.Aliases).Include(m => m.Versions)
                .FirstOrDefaultAsync(m => m.Name == name, ct) ?? throw ModelNotFound(name);
            var live = model.Versions.Where(v => !v.IsDeleted).ToList();
            if (model.Aliases.Any(a => ProtectedAliases.IsProtected(a.Alias)) || live.Any(v => v.CurrentStage == ModelStage.Production))
            {
                RegistryValidation.Protected(caller, $"Deleting '{name}', which has a champion alias or a Production version,");
            }

            context.RegisteredModels.Remove(model);
            await context.ReferenceColumns.Where(c => c.ModelName == name).ExecuteDeleteAsync(ct); // private copies of reference data go with the model
            return (true, AuditRecord.Of("model.delete", Target(name), new
            {
                Name = name,
                Versions = live.Select(v => v.Version).Order().ToList(),
                Aliases = model.Aliases.ToDictionary(a => a.Alias, a => a.Version),
            }));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<RegistryPage<RegisteredModel>> SearchModelsAsync(RegistrySearch search, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        var (filter, orders, offset, models) = await LoadSearchAsync(search, RegistrySearchTarget.Models, cancellationToken);
        var matches = models
            .Where(m => filter.Matches(c => c.Attribute == RegistryAttributes.Tag
                ? m.Tags.FirstOrDefault(t => t.Key == c.TagKey)?.Value
                : m.Name))
            .ToList();
        IOrderedEnumerable<RegisteredModel>? sorted = null;
        foreach (var order in orders)
        {
            Func<RegisteredModel, object> key = order.Key switch
            {
                RegistryOrder.CreationTimestamp => m => m.CreationTimestamp,
                RegistryOrder.LastUpdatedTimestamp => m => m.LastUpdatedTimestamp,
                _ => m => m.Name,
            };
            sorted = Sort(sorted, matches, key, order.Descending);
        }

        if (!orders.Any(o => o.Key == RegistryAttributes.Name))
        {
            sorted = Sort(sorted, matches, m => m.Name, descending: false);
        }

        return Page(sorted!, offset, search.MaxResults);
    }

    /// <inheritdoc />
    public Task SetModelTagAsync(string name, string key, string value, string actor, CancellationToken cancellationToken = default)
    {
        var tagKey = RegistryValidation.TagKey(key);
        return writer.RunAsync(actor, async (context, ct) =>
        {
            var model = await context.RegisteredModels.Include(m => m.Tags).FirstOrDefaultAsync(m => m.Name == name, ct) ?? throw ModelNotFound(name);
            var tag = model.Tags.FirstOrDefault(t => t.Key == tagKey);
            var before = tag?.Value;
            if (tag is null)
            {
                model.Tags.Add(new RegisteredModelTag { Key = tagKey, Value = value ?? string.Empty });
            }
            else
            {
                tag.Value = value ?? string.Empty;
            }

            return (true, AuditRecord.Of("model.tag.set", Target(name), new { Key = tagKey, Before = before, After = value }));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteModelTagAsync(string name, string key, string actor, CancellationToken cancellationToken = default) =>
        writer.RunAsync(actor, async (context, ct) =>
        {
            var model = await context.RegisteredModels.Include(m => m.Tags).FirstOrDefaultAsync(m => m.Name == name, ct) ?? throw ModelNotFound(name);
            var tag = model.Tags.FirstOrDefault(t => t.Key == key)
                ?? throw new NotFoundException($"No tag with key '{key}' on registered model '{name}'.");
            model.Tags.Remove(tag);
            return (true, AuditRecord.Of("model.tag.delete", Target(name), new { Key = key, Before = tag.Value }));
        }, cancellationToken);

    /// <inheritdoc />
    public Task SetAliasAsync(string name, string aliasName, int version, RegistryCaller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var alias = RegistryValidation.Alias(aliasName);
        if (ProtectedAliases.IsProtected(alias))
        {
            RegistryValidation.Protected(caller, $"Moving the '{alias}' alias");
        }

        return writer.RunAsync(caller.Actor, async (context, ct) =>
        {
            var model = await context.RegisteredModels.Include(m => m.Aliases).FirstOrDefaultAsync(m => m.Name == name, ct) ?? throw ModelNotFound(name);
            _ = await TrackedVersionAsync(context, model.Id, name, version, ct);
            var existing = model.Aliases.FirstOrDefault(a => a.Alias == alias);
            int? before = existing?.Version;
            if (existing is null)
            {
                model.Aliases.Add(new ModelAlias { Alias = alias, Version = version });
            }
            else
            {
                existing.Version = version;
            }

            model.LastUpdatedTimestamp = Now();
            return (true, AuditRecord.Of("model.alias.set", Target(name), new { Alias = alias, Before = before, After = version }));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteAliasAsync(string name, string aliasName, RegistryCaller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (ProtectedAliases.IsProtected(aliasName ?? string.Empty))
        {
            RegistryValidation.Protected(caller, $"Deleting the '{aliasName}' alias");
        }

        return writer.RunAsync(caller.Actor, async (context, ct) =>
        {
            var model = await context.RegisteredModels.Include(m => m.Aliases).FirstOrDefaultAsync(m => m.Name == name, ct) ?? throw ModelNotFound(name);
            var existing = model.Aliases.FirstOrDefault(a => a.Alias == aliasName)
                ?? throw new NotFoundException($"Registered model alias {aliasName} not found.");
            model.Aliases.Remove(existing);
            model.LastUpdatedTimestamp = Now();
            return (true, AuditRecord.Of("model.alias.delete", Target(name), new { Alias = aliasName, Before = existing.Version, After = (int?)null }));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<RegistryVersion> GetVersionByAliasAsync(string name, string aliasName, CancellationToken cancellationToken = default)
    {
        var model = await GetModelAsync(name, cancellationToken);
        var alias = model.Aliases.FirstOrDefault(a => a.Alias == aliasName)
            ?? throw new NotFoundException($"Registered model alias {aliasName} not found.");
        var version = model.Versions.FirstOrDefault(v => v.Version == alias.Version) ?? throw VersionNotFound(name, alias.Version);
        return View(model, version);
    }

    /// <inheritdoc />
    public Task<Run?> FindRunAsync(string runId, CancellationToken cancellationToken = default) =>
        db.Runs.AsNoTracking()
            .Include(r => r.Params)
            .Include(r => r.LatestMetrics)
            .Include(r => r.DatasetInputs)
            .AsSplitQuery()
            .FirstOrDefaultAsync(r => r.Id == runId, cancellationToken);

    /// <summary>A search's filter, orders and offset, and the models it can match (an equality on <c>name</c> pushed down to SQL).</summary>
    private async Task<(RegistryFilter Filter, IReadOnlyList<RegistryOrder> Orders, int Offset, List<RegisteredModel> Models)> LoadSearchAsync(
        RegistrySearch search, RegistrySearchTarget target, CancellationToken cancellationToken)
    {
        var filter = RegistryFilter.Parse(search.Filter, target);
        var orders = RegistryOrder.Parse(search.OrderBy, target);
        var offset = RegistryPageToken.Decode(search.PageToken);
        var query = Full(db);
        foreach (var equal in filter.Conditions.Where(c => c.Attribute == RegistryAttributes.Name && c.Operator == FilterOperator.Equal))
        {
            var value = equal.Values[0];
            query = query.Where(m => m.Name == value);
        }

        return (filter, orders, offset, await query.ToListAsync(cancellationToken));
    }

    private static IOrderedEnumerable<T> Sort<T>(IOrderedEnumerable<T>? sorted, IEnumerable<T> source, Func<T, object> key, bool descending)
    {
        var comparer = Comparer<object>.Create(static (a, b) => a is string x && b is string y
            ? string.CompareOrdinal(x, y)
            : Comparer<object>.Default.Compare(a, b));
        return (sorted, descending) switch
        {
            (null, false) => source.OrderBy(key, comparer),
            (null, true) => source.OrderByDescending(key, comparer),
            (_, false) => sorted.ThenBy(key, comparer),
            (_, true) => sorted.ThenByDescending(key, comparer),
        };
    }

    private static RegistryPage<T> Page<T>(IEnumerable<T> sorted, int offset, int maxResults)
    {
        var page = sorted.Skip(offset).Take(maxResults + 1).ToList();
        var more = page.Count > maxResults;
        return new RegistryPage<T>(more ? page[..maxResults] : page, more ? RegistryPageToken.Encode(offset + maxResults) : null);
    }
}
