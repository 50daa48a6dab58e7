using System.Security.Claims;
using System.Text.Json;
using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Core.Monitoring;
using Ferry.Core.Registry;
using Ferry.Core.Serving;
using Ferry.Server.Explain;
using Ferry.Server.Explain.ModelCards;
using Ferry.Server.Identity;
using Ferry.Server.Monitoring;
using Ferry.Server.Serving;
using Ferry.Statistics;
using Ferry.Statistics.Profiles;
using Microsoft.AspNetCore.Http.Features;

namespace Ferry.Server.Endpoints.Monitoring;

/// <summary>
/// A version's reference profile (<c>/api/v1/models/{name}/versions/{version}/reference</c>): PUT (scientist) sends its
/// training rows as <c>{"records": [...], "labels": [...], "positiveLabel": "...", "source": "..."}</c>; the model scores
/// them, every feature and output is profiled, and with labels the score is calibrated for CBPE. GET (viewer) shows it.
/// </summary>
public static class ReferenceApi
{
    /// <summary>Largest reference body (up to <see cref="RecordValidator.MaxRows"/> records).</summary>
    public const long MaxBodyBytes = 256L * 1024 * 1024;

    /// <summary>Maps the reference routes.</summary>
    public static IEndpointRouteBuilder MapReferenceApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/models/{name}/versions/{version:int}/reference").WithTags("Monitoring");
        group.MapPut("", PutAsync).RequireAuthorization(FerryPolicies.Scientist).WithName("SetReference")
            .WithSummary("Computes the version's reference profile from its training rows (and labels, for CBPE).");
        group.MapGet("", GetAsync).RequireAuthorization(FerryPolicies.Viewer).WithName("GetReference")
            .WithSummary("The version's reference profile, summarised.");
        return routes;
    }

    /// <summary>Computes and stores the reference.</summary>
    public static async Task<IResult> PutAsync(
        string name,
        int version,
        HttpContext context,
        IRegistryStore registry,
        ModelCache models,
        IReferenceProfileStore store,
        ReferenceCache cache,
        ReferenceColumns referenceColumns,
        ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(cache);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        var found = await registry.GetVersionAsync(name, version, cancellationToken);
        if (found.Version.Flavor is not { } flavor || found.Version.ArtifactPath is not { } path)
        {
            throw new ValidationException("version", $"{name} version {version} is not a servable model (no flavor or model file), so it cannot score its reference");
        }

        using var document = await RequestJson.ReadAsync(context.Request, cancellationToken);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("records", out var records))
        {
            throw new ValidationException("records", "is required: the body must be {\"records\": [{\"feature\": value, ...}, ...], \"labels\": [...]}");
        }

        var labels = Labels(root);
        var positive = root.TryGetProperty("positiveLabel", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        var source = root.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "upload";
        if (RecordValidator.RowCount(records, "records") == 0)
        {
            throw new ValidationException("records", "must hold at least one row");
        }

        using var lease = await models.AcquireAsync(new ResolvedRoute(name, version, null, flavor, path, RouteRole.Weighted, 100), cancellationToken);
        var batch = RecordValidator.FromRecords(records, lease.Model.Features, "records");
        var built = ReferenceBuilder.Build(lease.Model, batch, labels, positive);
        var sampleJson = ReferenceSample.ToJson(batch, lease.Model.Features, labels);
        var insights = await InsightsAsync(lease.Model, models, found, sampleJson, built.PositiveLabel, cancellationToken);
        var entry = new ReferenceProfileEntry
        {
            ModelName = name,
            ModelVersion = version,
            Rows = batch.RowCount,
            Source = source.Length > 512 ? source[..512] : source,
            ProfileJson = JsonSerializer.Serialize(built.Profile, StatisticsJsonContext.Default.ReferenceProfile),
            LabelColumn = labels is null ? null : "labels",
            PositiveLabel = built.PositiveLabel,
            CalibratorJson = built.Calibrator is null ? null : JsonSerializer.Serialize(built.Calibrator, StatisticsJsonContext.Default.IsotonicCalibrator),
            SampleJson = sampleJson,
            InsightsJson = insights is null ? null : JsonSerializer.Serialize(insights, ExplainJsonContext.Default.CardImportance),
        };
        await store.SetReferenceAsync(entry, user.ActorName(), cancellationToken);
        await referenceColumns.SaveAsync(name, version, lease.Model, batch, cancellationToken); // the full columns, for exact drift
        var loaded = new LoadedReference(entry, built.Profile, built.Calibrator);
        cache.Set(loaded);
        return TypedResults.Json(View(loaded), MonitoringJsonContext.Default.ReferenceView);
    }

    /// <summary>The stored reference.</summary>
    public static async Task<IResult> GetAsync(string name, int version, IReferenceProfileStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var entry = await store.FindReferenceAsync(name, version, cancellationToken)
            ?? throw new NotFoundException($"{name} version {version} has no reference profile.");
        return TypedResults.Json(View(ReferenceCache.Load(entry)), MonitoringJsonContext.Default.ReferenceView);
    }

    /// <summary>Global importance from the new sample; null (and the reason logged) when the model cannot be explained.</summary>
    private static async Task<CardImportance?> InsightsAsync(ILoadedModel model, ModelCache models, RegistryVersion found, string sampleJson, string? positive, CancellationToken cancellationToken)
    {
        var route = new ResolvedRoute(found.ModelName, found.Version.Version, null, found.Version.Flavor!, found.Version.ArtifactPath!, RouteRole.Weighted, 100);
        var sample = ReferenceSample.FromJson(sampleJson, model.Features);
        try
        {
            var explainer = await ExplainerFactory.CreateAsync(model, ct => models.OpenModelFileAsync(route, ct), sample, Explainers.Kernel, cancellationToken);
            return InsightsBuilder.Importance(explainer, model, sample, positive);
        }
        catch (ValidationException)
        {
            return null;
        }
    }

    private static List<string?>? Labels(JsonElement root)
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

    private static ReferenceView View(LoadedReference reference)
    {
        var columns = reference.Profile.Schema.Columns.Select(c =>
        {
            var profile = reference.Profile.Profile.Columns[c.Name];
            var numeric = c.Kind == ColumnKind.Numeric && profile.Count > 0;
            return new ReferenceColumnView(c.Name, c.Kind == ColumnKind.Numeric ? "numeric" : "categorical", profile.Count, profile.Missing,
                numeric ? profile.Min : null, numeric ? profile.Max : null, numeric ? profile.Sum / profile.Count : null,
                c.Kind == ColumnKind.Categorical ? c.ReferenceCategories : null);
        }).ToList();
        var e = reference.Entry;
        return new ReferenceView(e.ModelName, e.ModelVersion, e.Rows, e.Source, e.PositiveLabel, reference.Calibrator is not null, e.CreatedBy, AlertView.Iso(e.CreatedAt), columns);
    }
}
