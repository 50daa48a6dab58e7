using System.Text.Json;
using Ferry.Core.Errors;
using Ferry.Core.Monitoring;
using Ferry.Core.Registry;
using Ferry.Core.Serving;
using Ferry.Server.Explain;
using Ferry.Server.Explain.ModelCards;
using Ferry.Server.Monitoring;
using Ferry.Server.Serving;
using Ferry.Statistics;

namespace Ferry.Server.References;

/// <summary>What a staged reference upload holds.</summary>
/// <param name="Records">The <c>records</c> array.</param>
/// <param name="Labels">One true class per record, or null.</param>
/// <param name="PositiveLabel">The positive class, or null.</param>
/// <param name="Source">Where the rows came from.</param>
public sealed record ReferenceUpload(JsonElement Records, List<string?>? Labels, string? PositiveLabel, string Source)
{
    /// <summary>Reads (and checks the shape of) a reference body: <c>{"records": [...], "labels": [...], "positiveLabel": "...", "source": "..."}</c>.</summary>
    /// <exception cref="ValidationException">The body is not of that shape.</exception>
    public static ReferenceUpload Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("records", out var records))
        {
            throw new ValidationException("records", "is required: the body must be {\"records\": [{\"feature\": value, ...}, ...], \"labels\": [...]}");
        }

        var positive = root.TryGetProperty("positiveLabel", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        var source = root.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "upload";
        return new ReferenceUpload(records, ReadLabels(root), positive, source.Length > 512 ? source[..512] : source);
    }

    private static List<string?>? ReadLabels(JsonElement root)
    {
        if (!root.TryGetProperty("labels", out var labels) || labels.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (labels.ValueKind != JsonValueKind.Array)
        {
            throw new ValidationException("labels", "must be an array with one label per record");
        }

        var list = new List<string?>(labels.GetArrayLength());
        foreach (var label in labels.EnumerateArray())
        {
            list.Add(label.ValueKind switch
            {
                JsonValueKind.String => label.GetString(),
                JsonValueKind.Number => label.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                JsonValueKind.Null => null,
                _ => throw new ValidationException($"labels[{list.Count}]", "must be a string, number, boolean or null"),
            });
        }

        return list;
    }
}

/// <summary>
/// Builds a version's reference from its staged upload, phase by phase: scoring and profiling every row, counting the
/// tree ensemble's node covers over every row, importance on the sample with the version's explainer (exact where the
/// model allows: ExplainerFactory's choice), then storing it in one place (<see cref="PersistAsync"/>).
/// </summary>
public sealed class ReferenceBuild(IServiceScopeFactory scopes, ModelCache models, ReferenceCache cache, ReferenceStaging staging)
{
    /// <summary>Builds and stores the reference of <paramref name="job"/>, telling <paramref name="progress"/> as it goes.</summary>
    /// <exception cref="ValidationException">The rows or labels do not fit the model (the job fails with the message).</exception>
    public async Task RunAsync(ReferenceJob job, ReferenceProgress progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(progress);
        await using var scope = scopes.CreateAsyncScope();
        var found = await scope.ServiceProvider.GetRequiredService<IRegistryStore>().GetVersionAsync(job.ModelName, job.ModelVersion, cancellationToken);
        if (found.Version.Flavor is null || found.Version.ArtifactPath is null)
        {
            throw new ValidationException("version", $"{job.ModelName} version {job.ModelVersion} is not a servable model (no flavor or model file), so it cannot score its reference");
        }

        using var document = await staging.ReadAsync(job.StagedFile, cancellationToken);
        var upload = ReferenceUpload.Read(document.RootElement);
        var route = RegisteredRoute.Of(found);
        using var lease = await models.AcquireAsync(route, cancellationToken);
        var model = lease.Model;
        var batch = RecordValidator.FromRecords(upload.Records, model.Features, "records");
        var rows = batch.RowCount;
        var explained = Math.Min(InsightsBuilder.ShapRows, Math.Min(rows, ReferenceSample.MaxRows));
        await progress.StartAsync(rows, explained, cancellationToken);

        var built = ReferenceBuilder.Build(model, batch, upload.Labels, upload.PositiveLabel, progress.Advance);
        byte[] modelBytes;
        await using (var stream = await models.OpenModelFileAsync(route, cancellationToken))
        using (var copy = new MemoryStream())
        {
            await stream.CopyToAsync(copy, cancellationToken);
            modelBytes = copy.ToArray();
        }

        await progress.PhaseAsync(ReferencePhases.Covers, cancellationToken);
        var covers = ReferenceCovers.Count(model, modelBytes, batch, done => progress.Advance(ReferencePhases.Covers, done));
        var sampleJson = ReferenceSample.ToJson(batch, model.Features, upload.Labels);

        await progress.PhaseAsync(ReferencePhases.Importance, cancellationToken);
        var sample = ReferenceSample.FromJson(sampleJson, model.Features);
        var insights = await ImportanceAsync(model, modelBytes, sample, built.PositiveLabel, covers, progress, cancellationToken);

        await progress.PhaseAsync(ReferencePhases.Saving, cancellationToken);
        var entry = new ReferenceProfileEntry
        {
            ModelName = job.ModelName,
            ModelVersion = job.ModelVersion,
            Rows = rows,
            Source = upload.Source,
            ProfileJson = JsonSerializer.Serialize(built.Profile, StatisticsJsonContext.Default.ReferenceProfile),
            LabelColumn = upload.Labels is null ? null : "labels",
            PositiveLabel = built.PositiveLabel,
            CalibratorJson = built.Calibrator is null ? null : JsonSerializer.Serialize(built.Calibrator, StatisticsJsonContext.Default.IsotonicCalibrator),
            SampleJson = sampleJson,
            CoversJson = covers is null ? null : ReferenceCovers.ToJson(covers),
            InsightsJson = insights is null ? null : JsonSerializer.Serialize(insights, ExplainJsonContext.Default.CardImportance),
        };
        await PersistAsync(scope.ServiceProvider, entry, job.CreatedBy, model, batch, built.Predictions, cancellationToken);
        cache.Set(new LoadedReference(entry, built.Profile, built.Calibrator));
    }

    /// <summary>
    /// The one place a built reference is stored: the entry (audited as <c>reference.set</c>), and whatever else a
    /// reference keeps beside it from the full <paramref name="rows"/>.
    /// </summary>
    private static async Task PersistAsync(IServiceProvider services, ReferenceProfileEntry entry, string actor, ILoadedModel model, FeatureBatch rows, IReadOnlyList<RowPrediction> predictions, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<IReferenceProfileStore>().SetReferenceAsync(entry, actor, cancellationToken);
        await services.GetRequiredService<ReferenceColumns>().SaveAsync(entry.ModelName, entry.ModelVersion, model, rows, predictions, cancellationToken); // the full columns, for exact drift
    }

    /// <summary>Global importance from the sample; null when the model cannot be explained.</summary>
    private static async Task<CardImportance?> ImportanceAsync(ILoadedModel model, byte[] modelBytes, ReferenceSample sample, string? positive, Ferry.Explain.Trees.NodeCovers? covers, ReferenceProgress progress, CancellationToken cancellationToken)
    {
        try
        {
            var explainer = await ExplainerFactory.CreateAsync(model, _ => Task.FromResult<Stream>(new MemoryStream(modelBytes, writable: false)), sample, Explainers.Kernel, cancellationToken, covers);
            return InsightsBuilder.Importance(explainer, model, sample, positive, done => progress.Advance(ReferencePhases.Importance, done));
        }
        catch (ValidationException)
        {
            return null;
        }
    }
}
