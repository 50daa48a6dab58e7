using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Core.Artifacts;
using Ferry.Core.Errors;
using Ferry.Core.Monitoring;
using Ferry.Core.Pipelines;
using Ferry.Core.Serving;

namespace Ferry.Server.Pipelines.Datasets;

/// <summary>
/// Materialises a training set from an endpoint's prediction log, point-in-time correct: the rows served in
/// [from, to) (inputs exactly as logged, the version that answered, its score), each joined with its ground truth only
/// when that arrived at or before as-of (and, with a delay limit, within that limit of the prediction); rows of erased
/// subjects are left out. The log is read twice in pages of <see cref="PageSize"/> (keyset paging by time and id):
/// once for the columns, their types and the labelled rows' times, once to write; Parquet row groups hold at most
/// <see cref="DatasetFileWriter.DefaultRowGroupRows"/> rows, so memory never holds the window. The most recent
/// holdout share of the labelled rows goes to a separate holdout file (training rows are those served before the
/// first held-out row). Files go to the artifact store under <c>datasets/{endpoint}/{name}/</c>; the
/// <see cref="TrainingDataset"/> row records the query, counts, coverage, versions, columns and digests (audited
/// <c>dataset.build</c>).
/// </summary>
public sealed class DatasetBuilder(
    IPredictionStore predictions,
    ITrainingDatasetStore datasets,
    IEndpointStore endpoints,
    IReferenceProfileStore referenceProfiles,
    IReferenceColumnStore referenceColumns,
    IArtifactStore artifacts,
    IPredictionLogBarrier log,
    TimeProvider clock)
{
    /// <summary>Rows per page read from the log.</summary>
    public const int PageSize = PredictionQuery.MaxLimit;

    /// <summary>The <c>source</c> of production rows.</summary>
    public const string Production = "production";

    /// <summary>The <c>source</c> of reference rows.</summary>
    public const string Reference = "reference";

    /// <summary>Builds and stores the dataset <paramref name="spec"/> describes.</summary>
    /// <param name="spec">What to build.</param>
    /// <param name="actor">Who builds it (the audit's actor).</param>
    /// <param name="progress">Told the production rows read so far (both passes), if given.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <exception cref="ValidationException">A value of <paramref name="spec"/> is out of range.</exception>
    /// <exception cref="NotFoundException">The endpoint neither exists nor has logged predictions.</exception>
    /// <exception cref="AlreadyExistsException">The name is taken.</exception>
    public async Task<TrainingDataset> BuildAsync(DatasetBuildSpec spec, string actor, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var asOf = spec.AsOf ?? now;
        Validate(spec, asOf, now);
        // Rows this replica acknowledged before the build are in it (the log's writer holds them up to its flush interval).
        await log.WriteQueuedAsync(cancellationToken);
        if (await endpoints.GetAsync(spec.Endpoint, cancellationToken) is null
            && (await predictions.ListAsync(new PredictionQuery { EndpointName = spec.Endpoint, Limit = 1 }, cancellationToken)).Count == 0)
        {
            throw new NotFoundException($"endpoint '{spec.Endpoint}' does not exist and has no logged predictions");
        }

        var name = await NameAsync(spec, cancellationToken);

        // Pass 1: the columns and their types, the labelled rows' times (for the holdout cut), the answering versions.
        var columns = new DatasetColumns();
        var labelledTimes = new List<long>();
        var versions = new SortedDictionary<string, (string Model, int Version)>(StringComparer.Ordinal);
        long read = 0;
        await foreach (var row in ReadAsync(spec, cancellationToken))
        {
            using var inputs = JsonDocument.Parse(row.Prediction.InputsJson);
            columns.Observe(inputs.RootElement);
            if (LabelOf(row, asOf, spec.LabelDelayMaxMs) is not null)
            {
                labelledTimes.Add(row.Prediction.Timestamp);
            }

            versions.TryAdd(VersionKey(row.Prediction.ModelName, row.Prediction.ModelVersion), (row.Prediction.ModelName, row.Prediction.ModelVersion));
            progress?.Report(++read);
        }

        var references = new List<ReferenceRows>();
        if (spec.WithReference)
        {
            foreach (var (model, version) in versions.Values)
            {
                if (await ReferenceRows.LoadAsync(referenceProfiles, referenceColumns, model, version, cancellationToken) is { Count: > 0 } reference)
                {
                    references.Add(reference);
                    foreach (var column in reference.Features)
                    {
                        columns.Observe(column.Name, ReferenceRows.KindOf(column));
                    }
                }
            }
        }

        var heldOut = (int)Math.Floor(labelledTimes.Count * spec.HoldoutFraction);
        long? holdoutFrom = heldOut > 0 ? labelledTimes[labelledTimes.Count - heldOut] : null;

        var directory = Path.Combine(Path.GetTempPath(), "ferry-datasets", Guid.NewGuid().ToString("N"));
        PrivateDirectories.Create(directory);
        try
        {
            var trainPath = Path.Combine(directory, "train.parquet");
            var holdoutPath = Path.Combine(directory, "holdout.parquet");
            var counts = new Counts();
            var fieldIndex = columns.Fields.Select((f, i) => (f, i)).ToDictionary(p => p.f, p => p.i, StringComparer.Ordinal);
            await using (var train = await DatasetFileWriter.CreateAsync(trainPath, columns, DatasetFileWriter.DefaultRowGroupRows, cancellationToken))
            await using (var holdout = await DatasetFileWriter.CreateAsync(holdoutPath, columns, DatasetFileWriter.DefaultRowGroupRows, cancellationToken))
            {
                // Pass 2: write.
                await foreach (var row in ReadAsync(spec, cancellationToken))
                {
                    var p = row.Prediction;
                    var label = LabelOf(row, asOf, spec.LabelDelayMaxMs);
                    var inHoldoutWindow = holdoutFrom is { } cut && p.Timestamp >= cut;
                    progress?.Report(++read);
                    DatasetFileWriter? target = inHoldoutWindow ? (label is null ? null : holdout) : (label is null && spec.LabelledOnly ? null : train);
                    if (target is null)
                    {
                        continue;
                    }

                    target.Begin(p.Id.ToString(), p.Timestamp, p.ModelName, p.ModelVersion);
                    using (var inputs = JsonDocument.Parse(p.InputsJson))
                    {
                        if (inputs.RootElement.ValueKind == JsonValueKind.Object)
                        {
                            foreach (var property in inputs.RootElement.EnumerateObject())
                            {
                                if (fieldIndex.TryGetValue(property.Name, out var index))
                                {
                                    target.Set(index, property.Value);
                                }
                            }
                        }
                    }

                    await target.EndAsync(ScoreOf(p.OutputsJson), label, label is null ? null : row.Feedback!.ReceivedAt, Production, cancellationToken);
                    if (target == holdout)
                    {
                        counts.Holdout++;
                    }
                    else
                    {
                        counts.Rows++;
                        counts.Labelled += label is null ? 0 : 1;
                        var key = VersionKey(p.ModelName, p.ModelVersion);
                        counts.Versions[key] = counts.Versions.GetValueOrDefault(key) + 1;
                    }
                }

                foreach (var reference in references)
                {
                    for (var r = 0; r < reference.Count; r++)
                    {
                        train.Begin(string.Empty, 0, reference.ModelName, reference.Version);
                        foreach (var column in reference.Features)
                        {
                            var index = fieldIndex[column.Name];
                            if (column.Numbers is { } numbers)
                            {
                                train.Set(index, r < numbers.Length ? numbers[r] : double.NaN);
                            }
                            else
                            {
                                train.Set(index, r < column.Categories!.Length ? column.Categories[r] : null);
                            }
                        }

                        var score = reference.Scores is { } scores && r < scores.Length && !double.IsNaN(scores[r]) ? scores[r] : (double?)null;
                        await train.EndAsync(score, reference.Labels[r], null, Reference, cancellationToken);
                        counts.Reference++;
                    }
                }

                await train.CompleteAsync(cancellationToken);
                await holdout.CompleteAsync(cancellationToken);
            }

            var prefix = $"datasets/{spec.Endpoint}/{name}";
            ArtifactInfo trained;
            await using (var stream = File.OpenRead(trainPath))
            {
                trained = await artifacts.PutAsync(prefix + "/train.parquet", stream, cancellationToken);
            }

            ArtifactInfo? held = null;
            if (holdoutFrom is not null)
            {
                await using var stream = File.OpenRead(holdoutPath);
                held = await artifacts.PutAsync(prefix + "/holdout.parquet", stream, cancellationToken);
            }

            var dataset = new TrainingDataset
            {
                Id = Guid.CreateVersion7(clock.GetUtcNow()),
                Name = name,
                EndpointName = spec.Endpoint,
                From = spec.From,
                To = spec.To,
                AsOf = asOf,
                LabelDelayMaxMs = spec.LabelDelayMaxMs,
                WithReference = spec.WithReference,
                HoldoutFrom = holdoutFrom,
                QueryJson = QueryJson(spec, asOf, holdoutFrom, columns),
                Rows = counts.Rows,
                LabelledRows = counts.Labelled,
                ReferenceRows = counts.Reference,
                HoldoutRows = counts.Holdout,
                LabelCoverage = counts.Rows == 0 ? 0 : (double)counts.Labelled / counts.Rows,
                VersionsJson = JsonSerializer.Serialize(counts.Versions),
                Columns = string.Join(',', columns.Names()),
                Digest = trained.Sha256,
                ArtifactPath = trained.Path,
                HoldoutArtifactPath = held?.Path,
                HoldoutDigest = held?.Sha256,
                SizeBytes = trained.Length,
                CreatedBy = actor,
                CreatedAt = now,
            };
            return await datasets.AddAsync(dataset, actor, cancellationToken);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// The row's ground truth as of <paramref name="asOf"/>: the label (a regressor's value as invariant text) when
    /// feedback arrived at or before <paramref name="asOf"/> and within <paramref name="delayMaxMs"/> of the prediction;
    /// else null. (Feedback keeps only the latest label per prediction, so a label replaced after as-of is left out, not
    /// rolled back.)
    /// </summary>
    public static string? LabelOf(PredictionWithFeedback row, long asOf, long? delayMaxMs)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.Feedback is not { } feedback || feedback.ReceivedAt > asOf
            || (delayMaxMs is { } limit && feedback.ReceivedAt - row.Prediction.Timestamp > limit))
        {
            return null;
        }

        return feedback.Label ?? feedback.Value?.ToString("R", CultureInfo.InvariantCulture);
    }

    private static void Validate(DatasetBuildSpec spec, long asOf, long now)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(spec.Endpoint))
        {
            errors["endpoint"] = ["is required"];
        }

        if (spec.From >= spec.To)
        {
            errors["from"] = ["must be before 'to'"];
        }

        if (asOf > now)
        {
            errors["asOf"] = ["must not be in the future: labels that have not arrived cannot be joined"];
        }
        else if (asOf < spec.To)
        {
            errors["asOf"] = ["must not be before 'to': rows served after the point in time did not exist then"];
        }

        if (spec.LabelDelayMaxMs is <= 0)
        {
            errors["labelDelayMax"] = ["must be a positive duration"];
        }

        if (!(spec.HoldoutFraction >= 0 && spec.HoldoutFraction < 1))
        {
            errors["holdoutFraction"] = ["must be at least 0 and below 1"];
        }

        if (spec.Name is { } name)
        {
            try
            {
                DatasetInputs.CheckName(name);
            }
            catch (ValidationException e)
            {
                foreach (var (key, value) in e.Errors)
                {
                    errors[key] = value;
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
    }

    private async Task<string> NameAsync(DatasetBuildSpec spec, CancellationToken cancellationToken)
    {
        if (spec.Name is { } given)
        {
            return await datasets.FindByNameAsync(given, cancellationToken) is null
                ? given
                : throw new AlreadyExistsException($"dataset '{given}' already exists");
        }

        var stem = spec.For ?? $"{spec.Endpoint}-{DateTimeOffset.FromUnixTimeMilliseconds(spec.To).UtcDateTime.ToString("yyyyMMdd-HHmm", CultureInfo.InvariantCulture)}";
        stem = stem.Length > 120 ? stem[..120] : stem;
        for (var n = 1; n <= 10_000; n++)
        {
            var candidate = n == 1 ? stem : $"{stem}-{n}";
            if (await datasets.FindByNameAsync(candidate, cancellationToken) is null)
            {
                DatasetInputs.CheckName(candidate);
                return candidate;
            }
        }

        throw new ConflictException($"no free dataset name starting with '{stem}'");
    }

    private async IAsyncEnumerable<PredictionWithFeedback> ReadAsync(DatasetBuildSpec spec, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Guid? after = null;
        while (true)
        {
            var page = await predictions.ListAsync(new PredictionQuery
            {
                EndpointName = spec.Endpoint,
                From = spec.From,
                To = spec.To,
                After = after,
                Limit = PageSize,
            }, cancellationToken);
            foreach (var row in page)
            {
                if (row.Prediction.ErasedAt is null)
                {
                    yield return row;
                }
            }

            if (page.Count < PageSize)
            {
                yield break;
            }

            after = page[^1].Prediction.Id;
        }
    }

    private static double? ScoreOf(string outputsJson)
    {
        using var outputs = JsonDocument.Parse(outputsJson);
        return outputs.RootElement.ValueKind == JsonValueKind.Object
            && outputs.RootElement.TryGetProperty("score", out var score) && score.ValueKind == JsonValueKind.Number
            ? score.GetDouble()
            : null;
    }

    private static string VersionKey(string model, int version) => $"{model}/{version.ToString(CultureInfo.InvariantCulture)}";

    private static string QueryJson(DatasetBuildSpec spec, long asOf, long? holdoutFrom, DatasetColumns columns)
    {
        var schema = new JsonArray();
        foreach (var column in columns.Types())
        {
            schema.Add(new JsonObject { ["name"] = column.Name, ["type"] = column.Type, ["required"] = column.Required });
        }

        return new JsonObject
        {
            ["endpoint"] = spec.Endpoint,
            ["from"] = spec.From,
            ["to"] = spec.To,
            ["asOf"] = asOf,
            ["labelDelayMaxMs"] = spec.LabelDelayMaxMs,
            ["withReference"] = spec.WithReference,
            ["holdoutFraction"] = spec.HoldoutFraction,
            ["labelledOnly"] = spec.LabelledOnly,
            ["holdoutFrom"] = holdoutFrom,
            ["for"] = spec.For,
            ["schema"] = schema,
        }.ToJsonString();
    }

    private sealed class Counts
    {
        public long Rows { get; set; }

        public long Labelled { get; set; }

        public long Reference { get; set; }

        public long Holdout { get; set; }

        public SortedDictionary<string, long> Versions { get; } = new(StringComparer.Ordinal);
    }
}
