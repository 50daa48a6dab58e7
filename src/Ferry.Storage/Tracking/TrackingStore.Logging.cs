using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Tracking;
using Ferry.Core.Tracking.Search;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Tracking;

/// <summary>What runs log: params (immutable), tags (last write wins), metrics (appended), inputs and models.</summary>
public sealed partial class TrackingStore
{
    /// <inheritdoc />
    public Task LogBatchAsync(string runId, RunBatch batch, string action, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        TrackingLimits.CheckBatch(batch);
        var parameters = BatchParams(runId, batch.Params);
        var tags = RunTags(batch.Tags);
        foreach (var metric in batch.Metrics)
        {
            TrackingLimits.CheckKey(metric.Key, "metric");
        }

        return writer.RunAsync(actor, async (context, ct) =>
        {
            var run = await LoadActiveRunAsync(context, runId, ct);
            await AddParamsAsync(context, runId, parameters, ct);
            await UpsertTagsAsync(context, run, tags, ct);
            await AddMetricsAsync(context, runId, batch.Metrics, ct);
            return (true, AuditRecord.Of(action, $"run/{runId}", new { Metrics = batch.Metrics.Count, Params = parameters.Count, Tags = tags.Count }));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteRunTagAsync(string runId, string key, string actor, CancellationToken cancellationToken = default) =>
        writer.RunAsync(actor, async (context, ct) =>
        {
            await LoadActiveRunAsync(context, runId, ct);
            var tag = await context.RunTags.FirstOrDefaultAsync(t => t.RunId == runId && t.Key == key, ct)
                ?? throw new NotFoundException($"No tag with name: {key} in run with id {runId}");
            context.RunTags.Remove(tag);
            return (true, AuditRecord.Of("run.delete-tag", $"run/{runId}", new { Key = key }));
        }, cancellationToken);

    /// <inheritdoc />
    public Task LogInputsAsync(string runId, IReadOnlyList<DatasetInput> datasets, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        foreach (var dataset in datasets)
        {
            if (string.IsNullOrEmpty(dataset.Name) || string.IsNullOrEmpty(dataset.Digest))
            {
                throw new TrackingRequestException("Every dataset input needs a name and a digest.");
            }
        }

        return writer.RunAsync(actor, async (context, ct) =>
        {
            await LoadActiveRunAsync(context, runId, ct);
            var existing = await context.RunDatasetInputs.Where(d => d.RunId == runId).Select(d => new { d.Name, d.Digest }).ToListAsync(ct);
            var seen = existing.Select(d => (d.Name, d.Digest)).ToHashSet();
            var added = 0;
            foreach (var dataset in datasets.Where(d => seen.Add((d.Name, d.Digest))))
            {
                context.RunDatasetInputs.Add(new RunDatasetInput
                {
                    RunId = runId,
                    Name = dataset.Name,
                    Digest = dataset.Digest,
                    SourceType = dataset.SourceType,
                    Source = dataset.Source,
                    Schema = dataset.Schema,
                    Profile = dataset.Profile,
                    TagsJson = TagsJson(dataset.Tags),
                });
                added++;
            }

            return (true, AuditRecord.Of("run.log-inputs", $"run/{runId}", new { Datasets = datasets.Count, Added = added }));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task LogModelAsync(string runId, string modelJson, string actor, CancellationToken cancellationToken = default)
    {
        JsonNode model;
        try
        {
            model = JsonNode.Parse(modelJson) ?? throw new JsonException("null");
        }
        catch (JsonException)
        {
            throw new TrackingRequestException("Invalid value for parameter 'model_json' supplied: it is not a JSON object.");
        }

        return writer.RunAsync(actor, async (context, ct) =>
        {
            await LoadActiveRunAsync(context, runId, ct);
            var tag = await context.RunTags.FirstOrDefaultAsync(t => t.RunId == runId && t.Key == LogModelHistoryTag, ct);
            var history = tag is null ? [] : JsonNode.Parse(tag.Value) as JsonArray ?? [];
            history.Add(model);
            var value = history.ToJsonString();
            if (tag is null)
            {
                context.RunTags.Add(new RunTag { RunId = runId, Key = LogModelHistoryTag, Value = value });
            }
            else
            {
                tag.Value = value;
            }

            return (true, AuditRecord.Of("run.log-model", $"run/{runId}", new { Models = history.Count }));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ResultPage<MetricPoint>> GetMetricHistoryAsync(string runId, string key, int? maxResults, string? pageToken, CancellationToken cancellationToken = default)
    {
        if (maxResults is < 1)
        {
            throw new TrackingRequestException($"Invalid value for parameter 'max_results' supplied: it must be positive, but got {maxResults}.");
        }

        var (offset, after) = PageToken.DecodeWithKey(pageToken, 3);
        if (!await db.Runs.AnyAsync(r => r.Id == runId, cancellationToken))
        {
            throw RunNotFound(runId);
        }

        var points = db.MetricPoints.AsNoTracking().Where(m => m.RunId == runId && m.Key == key);
        if (HistoryCursor(after) is var (step, timestamp, id))
        {
            // Seek past the previous page's last point through the (run_id, key, step, timestamp) index instead of
            // skipping `offset` points: a long history (the client pages 1,000,000 points by 25,000) stays linear.
            points = points.Where(m => m.Step >= step && (m.Step > step || m.Timestamp > timestamp || (m.Timestamp == timestamp && m.Id > id)));
            offset = 0;
        }

        var ordered = points.OrderBy(m => m.Step).ThenBy(m => m.Timestamp).ThenBy(m => m.Id).Skip(offset);
        if (maxResults is not { } max)
        {
            return new ResultPage<MetricPoint>(await ordered.ToListAsync(cancellationToken), null);
        }

        var page = await ordered.Take(max + 1).ToListAsync(cancellationToken);
        if (page.Count <= max)
        {
            return new ResultPage<MetricPoint>(page, null);
        }

        var last = page[max - 1];
        var total = PageToken.Decode(pageToken) + max;
        return new ResultPage<MetricPoint>(page[..max], PageToken.Encode(total, [Invariant(last.Step), Invariant(last.Timestamp), Invariant(last.Id)]));
    }

    private static (long Step, long Timestamp, long Id)? HistoryCursor(IReadOnlyList<string>? after) =>
        after is [var step, var timestamp, var id]
        && long.TryParse(step, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var s)
        && long.TryParse(timestamp, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var t)
        && long.TryParse(id, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var i)
            ? (s, t, i)
            : null;

    private static string Invariant(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static Dictionary<string, string> BatchParams(string runId, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in parameters)
        {
            TrackingLimits.CheckKey(key, "param");
            TrackingLimits.CheckValue(key, value, TrackingLimits.MaxParamValueLength, "param");
            var text = value ?? string.Empty;
            if (map.TryGetValue(key, out var earlier) && earlier != text)
            {
                throw ChangedParam(runId, key, earlier, text);
            }

            map[key] = text;
        }

        return map;
    }

    private static async Task AddParamsAsync(FerryDbContext context, string runId, Dictionary<string, string> parameters, CancellationToken cancellationToken)
    {
        if (parameters.Count == 0)
        {
            return;
        }

        var keys = parameters.Keys.ToList();
        var existing = await context.RunParams.AsNoTracking()
            .Where(p => p.RunId == runId && keys.Contains(p.Key))
            .ToDictionaryAsync(p => p.Key, p => p.Value, StringComparer.Ordinal, cancellationToken);
        foreach (var (key, value) in parameters)
        {
            if (existing.TryGetValue(key, out var logged))
            {
                if (logged != value)
                {
                    throw ChangedParam(runId, key, logged, value);
                }

                continue;
            }

            context.RunParams.Add(new RunParam { RunId = runId, Key = key, Value = value });
        }
    }

    private static async Task UpsertTagsAsync(FerryDbContext context, Run run, Dictionary<string, string> tags, CancellationToken cancellationToken)
    {
        if (tags.Count == 0)
        {
            return;
        }

        var keys = tags.Keys.ToList();
        var existing = await context.RunTags.Where(t => t.RunId == run.Id && keys.Contains(t.Key)).ToDictionaryAsync(t => t.Key, StringComparer.Ordinal, cancellationToken);
        foreach (var (key, value) in tags)
        {
            if (existing.TryGetValue(key, out var tag))
            {
                tag.Value = value;
            }
            else
            {
                context.RunTags.Add(new RunTag { RunId = run.Id, Key = key, Value = value });
            }

            if (key == RunNameTag && value.Length is > 0 and <= 250)
            {
                run.Name = value;
            }
        }
    }

    private static async Task AddMetricsAsync(FerryDbContext context, string runId, IReadOnlyList<MetricValue> metrics, CancellationToken cancellationToken)
    {
        if (metrics.Count == 0)
        {
            return;
        }

        var modelIds = metrics.Where(m => !string.IsNullOrEmpty(m.ModelId)).Select(m => m.ModelId!).Distinct(StringComparer.Ordinal).ToList();
        if (modelIds.Count > 0)
        {
            var known = await context.LoggedModels.Where(m => modelIds.Contains(m.Id)).Select(m => m.Id).ToListAsync(cancellationToken);
            if (modelIds.Except(known, StringComparer.Ordinal).FirstOrDefault() is { } missing)
            {
                throw new NotFoundException($"Logged model with ID '{missing}' not found.");
            }
        }

        var keys = metrics.Select(m => m.Key).Distinct(StringComparer.Ordinal).ToList();
        var latest = await context.LatestMetrics.Where(m => m.RunId == runId && keys.Contains(m.Key)).ToDictionaryAsync(m => m.Key, StringComparer.Ordinal, cancellationToken);
        var points = new List<MetricPoint>(metrics.Count);
        foreach (var metric in metrics)
        {
            var point = new MetricPoint
            {
                RunId = runId,
                Key = metric.Key,
                Value = double.IsNaN(metric.Value) ? 0 : metric.Value,
                IsNaN = double.IsNaN(metric.Value),
                Timestamp = metric.Timestamp,
                Step = metric.Step,
            };
            if (!string.IsNullOrEmpty(metric.ModelId))
            {
                context.LoggedModelMetrics.Add(new LoggedModelMetric
                {
                    ModelId = metric.ModelId,
                    RunId = runId,
                    Key = metric.Key,
                    Value = point.Value,
                    IsNaN = point.IsNaN,
                    Timestamp = point.Timestamp,
                    Step = point.Step,
                    DatasetName = metric.DatasetName,
                    DatasetDigest = metric.DatasetDigest,
                });

                // MLflow 3 clients re-log a run's metrics with the model's id; the run's history keeps one copy.
                var value = point.Value;
                var isNaN = point.IsNaN;
                if (await context.MetricPoints.AnyAsync(
                    m => m.RunId == runId && m.Key == metric.Key && m.Step == point.Step && m.Timestamp == point.Timestamp && m.Value == value && m.IsNaN == isNaN,
                    cancellationToken))
                {
                    continue;
                }
            }

            points.Add(point);
            if (!latest.TryGetValue(metric.Key, out var current))
            {
                current = new LatestMetric { RunId = runId, Key = metric.Key, Value = point.Value, IsNaN = point.IsNaN, Timestamp = point.Timestamp, Step = point.Step };
                latest[metric.Key] = current;
                context.LatestMetrics.Add(current);
            }
            else if (current.IsSupersededBy(point))
            {
                (current.Value, current.IsNaN, current.Timestamp, current.Step) = (point.Value, point.IsNaN, point.Timestamp, point.Step);
            }
        }

        await MetricPointInserts.InsertAsync(context, points, cancellationToken);
    }

    private static TrackingRequestException ChangedParam(string runId, string key, string logged, string attempted) =>
        new($"Changing param values is not allowed. Param with key='{key}' was already logged with value='{logged}' for run ID='{runId}'. Attempted logging new value '{attempted}'.");

    private static string TagsJson(IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        var json = new JsonObject();
        foreach (var (key, value) in tags)
        {
            json[key] = value;
        }

        return json.ToJsonString();
    }
}
