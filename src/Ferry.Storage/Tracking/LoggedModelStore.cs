using System.Text.Json.Nodes;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Tracking;
using Ferry.Core.Tracking.Search;
using Ferry.Storage.Audit;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Tracking;

/// <summary>
/// <see cref="ILoggedModelStore"/> on <see cref="FerryDbContext"/>: each change and its audit event commit together
/// through <see cref="AuditedWriter"/>; search filters, orders and pages in SQL.
/// </summary>
public sealed class LoggedModelStore(FerryDbContext db, AuditedWriter writer, TimeProvider clock, ISqlDialect dialect) : ILoggedModelStore
{
    /// <summary>The tag listing the registered versions made from a logged model.</summary>
    public const string ModelVersionsTag = "mlflow.modelVersions";

    private long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <inheritdoc />
    public Task<LoggedModel> CreateAsync(NewLoggedModel model, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var parameters = Pairs(model.Params, "param", TrackingLimits.MaxParamValueLength);
        var tags = Pairs(model.Tags, "tag", TrackingLimits.MaxRunTagValueLength);
        return writer.RunAsync(actor, async (context, ct) =>
        {
            var experiment = await context.Experiments.FirstOrDefaultAsync(e => e.Id == model.ExperimentId, ct)
                ?? throw new NotFoundException($"No Experiment with id={model.ExperimentId} exists");
            if (experiment.LifecycleStage != LifecycleStage.Active)
            {
                throw new TrackingRequestException(
                    $"The experiment {experiment.Id} must be in the 'active' state. Current state is {experiment.LifecycleStage}.");
            }

            if (!string.IsNullOrEmpty(model.SourceRunId) && !await context.Runs.AnyAsync(r => r.Id == model.SourceRunId, ct))
            {
                throw new NotFoundException($"Run with id={model.SourceRunId} not found");
            }

            var id = "m-" + Guid.NewGuid().ToString("N");
            var now = Now();
            var created = new LoggedModel
            {
                Id = id,
                ExperimentId = experiment.Id,
                Name = string.IsNullOrEmpty(model.Name) ? RunNames.Generate() : model.Name,
                ModelType = model.ModelType ?? string.Empty,
                SourceRunId = model.SourceRunId ?? string.Empty,
                Status = LoggedModelStatus.Pending,
                ArtifactLocation = $"{experiment.ArtifactLocation.TrimEnd('/')}/models/{id}/artifacts",
                CreationTime = now,
                LastUpdatedTime = now,
                Params = [.. parameters.Select(p => new LoggedModelParam { ModelId = id, Key = p.Key, Value = p.Value })],
                Tags = [.. tags.Select(t => new LoggedModelTag { ModelId = id, Key = t.Key, Value = t.Value })],
            };
            context.LoggedModels.Add(created);
            return (created, AuditRecord.Of("logged-model.create", Target(id), new { ExperimentId = experiment.Id, created.Name, created.SourceRunId }));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<LoggedModel> GetAsync(string modelId, bool allowDeleted = false, CancellationToken cancellationToken = default)
    {
        var model = await db.LoggedModels.AsNoTracking()
            .Include(m => m.Params)
            .Include(m => m.Tags)
            .Include(m => m.Metrics)
            .AsSplitQuery()
            .FirstOrDefaultAsync(m => m.Id == modelId, cancellationToken);
        return model is not null && (allowDeleted || model.LifecycleStage == LifecycleStage.Active) ? model : throw NotFound(modelId);
    }

    /// <inheritdoc />
    public async Task<LoggedModel> FinalizeAsync(string modelId, string status, string actor, CancellationToken cancellationToken = default)
    {
        if (status is not (LoggedModelStatus.Ready or LoggedModelStatus.UploadFailed))
        {
            throw new TrackingRequestException($"Invalid value for parameter 'status' supplied: a logged model is finalized as {LoggedModelStatus.Ready} or {LoggedModelStatus.UploadFailed}, not {status}.");
        }

        await ChangeAsync(modelId, actor, "logged-model.finalize", model =>
        {
            model.Status = status;
            return new { Status = status };
        }, cancellationToken);
        return await GetAsync(modelId, cancellationToken: cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteAsync(string modelId, string actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(modelId, actor, "logged-model.delete", model =>
        {
            model.LifecycleStage = LifecycleStage.Deleted;
            return new { model.Name };
        }, cancellationToken);

    /// <inheritdoc />
    public Task LogParamsAsync(string modelId, IReadOnlyList<KeyValuePair<string, string>> parameters, string actor, CancellationToken cancellationToken = default)
    {
        var map = Pairs(parameters, "param", TrackingLimits.MaxParamValueLength);
        return writer.RunAsync(actor, async (context, ct) =>
        {
            var model = await LoadAsync(context, modelId, ct);
            var keys = map.Keys.ToList();
            var existing = await context.LoggedModelParams.Where(p => p.ModelId == modelId && keys.Contains(p.Key)).ToDictionaryAsync(p => p.Key, StringComparer.Ordinal, ct);
            foreach (var (key, value) in map)
            {
                if (existing.TryGetValue(key, out var logged))
                {
                    if (logged.Value != value)
                    {
                        throw new TrackingRequestException(
                            $"Changing param values is not allowed. Param with key='{key}' was already logged with value='{logged.Value}' for logged model ID='{modelId}'. Attempted logging new value '{value}'.");
                    }

                    continue;
                }

                context.LoggedModelParams.Add(new LoggedModelParam { ModelId = modelId, Key = key, Value = value });
            }

            model.LastUpdatedTime = Now();
            return (true, AuditRecord.Of("logged-model.log-params", Target(modelId), new { Params = map.Count }));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task SetTagsAsync(string modelId, IReadOnlyList<KeyValuePair<string, string>> tags, string actor, CancellationToken cancellationToken = default)
    {
        var map = Pairs(tags, "tag", TrackingLimits.MaxRunTagValueLength);
        return writer.RunAsync(actor, async (context, ct) =>
        {
            var model = await LoadAsync(context, modelId, ct);
            await UpsertTagsAsync(context, model, map, ct);
            return (true, AuditRecord.Of("logged-model.set-tags", Target(modelId), new { Keys = map.Keys.ToList() }));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteTagAsync(string modelId, string key, string actor, CancellationToken cancellationToken = default) =>
        writer.RunAsync(actor, async (context, ct) =>
        {
            var model = await LoadAsync(context, modelId, ct);
            var tag = await context.LoggedModelTags.FirstOrDefaultAsync(t => t.ModelId == modelId && t.Key == key, ct)
                ?? throw new NotFoundException($"No tag with key '{key}' found for logged model with ID '{modelId}'.");
            context.LoggedModelTags.Remove(tag);
            model.LastUpdatedTime = Now();
            return (true, AuditRecord.Of("logged-model.delete-tag", Target(modelId), new { Key = key }));
        }, cancellationToken);

    /// <inheritdoc />
    public Task AddModelVersionAsync(string modelId, string name, int version, string actor, CancellationToken cancellationToken = default) =>
        writer.RunAsync(actor, async (context, ct) =>
        {
            var model = await LoadAsync(context, modelId, ct);
            var tag = await context.LoggedModelTags.AsNoTracking().FirstOrDefaultAsync(t => t.ModelId == modelId && t.Key == ModelVersionsTag, ct);
            var list = (tag is null ? null : JsonNode.Parse(tag.Value) as JsonArray) ?? [];
            var entry = new JsonObject { ["name"] = name, ["version"] = version };
            if (!list.Any(e => JsonNode.DeepEquals(e, entry)))
            {
                list.Add(entry);
            }

            // Python's json.dumps spacing, as MLflow's server writes the tag.
            var value = "[" + string.Join(", ", list.Select(e => e is JsonObject o
                ? "{" + string.Join(", ", o.Select(p => $"{JsonValue.Create(p.Key).ToJsonString()}: {p.Value?.ToJsonString() ?? "null"}")) + "}"
                : e?.ToJsonString() ?? "null")) + "]";
            await UpsertTagsAsync(context, model, new Dictionary<string, string>(StringComparer.Ordinal) { [ModelVersionsTag] = value }, ct);
            return (true, AuditRecord.Of("logged-model.set-tags", Target(modelId), new { Keys = new[] { ModelVersionsTag }, Name = name, Version = version }));
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<ResultPage<LoggedModel>> SearchAsync(LoggedModelSearchQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.MaxResults is < 1 or > TrackingLimits.MaxSearchResults)
        {
            throw new TrackingRequestException(
                $"Invalid value for parameter 'max_results' supplied: it must be between 1 and {TrackingLimits.MaxSearchResults}, but got {query.MaxResults}.");
        }

        var filter = SearchParser.ParseFilter(query.Filter, SearchGrammar.LoggedModels);
        var offset = PageToken.Decode(query.PageToken);
        var experimentIds = query.ExperimentIds.ToList();
        var models = db.LoggedModels.AsNoTracking().Where(m => experimentIds.Contains(m.ExperimentId) && m.LifecycleStage == LifecycleStage.Active);
        var translator = new LoggedModelSearchTranslator(db, dialect);
        models = filter.Aggregate(models, translator.Filter);
        var page = await translator.Order(models, query.OrderBy).Skip(offset).Take(query.MaxResults + 1).ToListAsync(cancellationToken);
        var next = page.Count > query.MaxResults ? PageToken.Encode(offset + query.MaxResults) : null;
        if (next is not null)
        {
            page.RemoveAt(page.Count - 1);
        }

        var ids = page.Select(m => m.Id).ToList();
        var parameters = (await db.LoggedModelParams.AsNoTracking().Where(p => ids.Contains(p.ModelId)).ToListAsync(cancellationToken)).ToLookup(p => p.ModelId);
        var tags = (await db.LoggedModelTags.AsNoTracking().Where(t => ids.Contains(t.ModelId)).ToListAsync(cancellationToken)).ToLookup(t => t.ModelId);
        var metrics = (await db.LoggedModelMetrics.AsNoTracking().Where(m => ids.Contains(m.ModelId)).ToListAsync(cancellationToken)).ToLookup(m => m.ModelId);
        foreach (var model in page)
        {
            model.Params = [.. parameters[model.Id]];
            model.Tags = [.. tags[model.Id]];
            model.Metrics = [.. metrics[model.Id]];
        }

        return new ResultPage<LoggedModel>(page, next);
    }

    /// <inheritdoc />
    public Task LinkRunAsync(string runId, string direction, IReadOnlyList<(string ModelId, long Step)> models, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(models);
        return writer.RunAsync(actor, async (context, ct) =>
        {
            var run = await context.Runs.FirstOrDefaultAsync(r => r.Id == runId, ct) ?? throw new NotFoundException($"Run with id={runId} not found");
            if (run.LifecycleStage != LifecycleStage.Active)
            {
                throw new TrackingRequestException($"The run {runId} must be in the 'active' state. Current state is {run.LifecycleStage}.");
            }

            var ids = models.Select(m => m.ModelId).Distinct(StringComparer.Ordinal).ToList();
            var known = await context.LoggedModels.Where(m => ids.Contains(m.Id)).Select(m => m.Id).ToListAsync(ct);
            if (ids.Except(known, StringComparer.Ordinal).FirstOrDefault() is { } missing)
            {
                throw NotFound(missing);
            }

            var existing = await context.RunModelLinks.Where(l => l.RunId == runId && l.Direction == direction).ToDictionaryAsync(l => l.ModelId, StringComparer.Ordinal, ct);
            foreach (var (modelId, step) in models)
            {
                if (existing.TryGetValue(modelId, out var link))
                {
                    link.Step = step;
                    continue;
                }

                link = new RunModelLink { RunId = runId, ModelId = modelId, Direction = direction, Step = step };
                existing[modelId] = link;
                context.RunModelLinks.Add(link);
            }

            return (true, AuditRecord.Of(direction == RunModelDirection.Output ? "run.log-outputs" : "run.log-inputs", $"run/{runId}", new { Models = ids }));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RunModelLink>> GetRunLinksAsync(IReadOnlyList<string> runIds, CancellationToken cancellationToken = default)
    {
        var ids = runIds.ToList();
        return await db.RunModelLinks.AsNoTracking().Where(l => ids.Contains(l.RunId)).ToListAsync(cancellationToken);
    }

    private Task<bool> ChangeAsync(string modelId, string actor, string action, Func<LoggedModel, object> change, CancellationToken cancellationToken) =>
        writer.RunAsync(actor, async (context, ct) =>
        {
            var model = await LoadAsync(context, modelId, ct);
            var details = change(model);
            model.LastUpdatedTime = Now();
            return (true, AuditRecord.Of(action, Target(modelId), details));
        }, cancellationToken);

    private static async Task<LoggedModel> LoadAsync(FerryDbContext context, string modelId, CancellationToken cancellationToken)
    {
        var model = await context.LoggedModels.FirstOrDefaultAsync(m => m.Id == modelId, cancellationToken);
        return model is { LifecycleStage: LifecycleStage.Active } ? model : throw NotFound(modelId);
    }

    private async Task UpsertTagsAsync(FerryDbContext context, LoggedModel model, Dictionary<string, string> tags, CancellationToken cancellationToken)
    {
        var keys = tags.Keys.ToList();
        var existing = await context.LoggedModelTags.Where(t => t.ModelId == model.Id && keys.Contains(t.Key)).ToDictionaryAsync(t => t.Key, StringComparer.Ordinal, cancellationToken);
        foreach (var (key, value) in tags)
        {
            if (existing.TryGetValue(key, out var tag))
            {
                tag.Value = value;
            }
            else
            {
                context.LoggedModelTags.Add(new LoggedModelTag { ModelId = model.Id, Key = key, Value = value });
            }
        }

        model.LastUpdatedTime = Now();
    }

    private static Dictionary<string, string> Pairs(IReadOnlyList<KeyValuePair<string, string>> pairs, string kind, int valueLimit)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            TrackingLimits.CheckKey(key, kind);
            TrackingLimits.CheckValue(key, value, valueLimit, kind);
            map[key] = value ?? string.Empty;
        }

        return map;
    }

    private static string Target(string modelId) => $"logged-model/{modelId}";

    private static NotFoundException NotFound(string modelId) => new($"Logged model with ID '{modelId}' not found.");
}
