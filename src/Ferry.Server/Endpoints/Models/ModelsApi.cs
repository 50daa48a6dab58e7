using System.Globalization;
using System.Text.Json;
using Ferry.Core.Registry;
using Ferry.Core.Tracking;
using Ferry.Server.Identity;

namespace Ferry.Server.Endpoints.Models;

/// <summary>Ferry's own view of the registry (<c>/api/v1/models</c>): signatures, lineage and provenance MLflow's API does not carry.</summary>
public static class ModelsApi
{
    /// <summary>Maps the models routes.</summary>
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/models").WithTags("Models").RequireAuthorization(FerryPolicies.Viewer);
        group.MapGet("/", ListAsync).WithName("ListModels").WithSummary("Registered models with their latest version and aliases.");
        group.MapGet("/{name}", GetAsync).WithName("GetModel").WithSummary("A registered model with its versions.");
        group.MapGet("/{name}/versions/{version:int}", GetVersionAsync).WithName("GetModelVersion")
            .WithSummary("A version: flavor, signature, source run (metrics, params, dataset digests), aliases, stage, tags, who registered it.");
        return routes;
    }

    /// <summary>Lists the models.</summary>
    public static async Task<IResult> ListAsync(IRegistryStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var models = await store.ListModelsAsync(cancellationToken);
        var list = new ModelListView([.. models.Select(m => new ModelSummaryView(
            m.Name,
            m.Description,
            m.Versions.Count == 0 ? null : m.Versions.Max(v => v.Version),
            Aliases(m),
            At(m.LastUpdatedTimestamp)))]);
        return TypedResults.Json(list, ModelsJsonContext.Default.ModelListView);
    }

    /// <summary>One model with its versions.</summary>
    public static async Task<IResult> GetAsync(string name, IRegistryStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var m = await store.GetModelAsync(name, cancellationToken);
        var view = new ModelView(m.Name, m.Description, m.UserId, At(m.CreationTimestamp), At(m.LastUpdatedTimestamp),
            m.Tags.ToDictionary(t => t.Key, t => t.Value),
            Aliases(m),
            [.. m.Versions.OrderByDescending(v => v.Version).Select(v => new VersionSummaryView(
                v.Version, v.CurrentStage, v.Flavor, v.Source, v.RunId,
                [.. m.Aliases.Where(a => a.Version == v.Version).Select(a => a.Alias).Order(StringComparer.Ordinal)],
                v.UserId, At(v.CreationTimestamp)))]);
        return TypedResults.Json(view, ModelsJsonContext.Default.ModelView);
    }

    /// <summary>One version, with its lineage.</summary>
    public static async Task<IResult> GetVersionAsync(string name, int version, IRegistryStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var view = await store.GetVersionAsync(name, version, cancellationToken);
        var v = view.Version;
        var run = v.RunId is { } runId ? await store.FindRunAsync(runId, cancellationToken) : null;
        var result = new ModelVersionView
        {
            Name = view.ModelName,
            Version = v.Version,
            Stage = v.CurrentStage,
            Description = v.Description,
            Flavor = v.Flavor,
            Signature = v.SignatureJson is { } json ? Parse(json) : null,
            Source = v.Source,
            ArtifactPath = v.ArtifactPath,
            RunId = v.RunId,
            SourceRun = run is null ? null : ToView(run),
            Aliases = view.Aliases,
            Tags = v.Tags.ToDictionary(t => t.Key, t => t.Value),
            UserId = v.UserId,
            RegisteredAt = At(v.CreationTimestamp),
            LastUpdatedAt = At(v.LastUpdatedTimestamp),
        };
        return TypedResults.Json(result, ModelsJsonContext.Default.ModelVersionView);
    }

    private static SourceRunView ToView(Run run) => new(
        run.Id,
        run.Name,
        run.Status,
        run.ExperimentId.ToString(CultureInfo.InvariantCulture),
        run.LatestMetrics.ToDictionary(m => m.Key, m => m.ActualValue),
        run.Params.ToDictionary(p => p.Key, p => p.Value),
        [.. run.DatasetInputs.OrderBy(d => d.Name, StringComparer.Ordinal).Select(d => new DatasetInputView(d.Name, d.Digest, d.SourceType, Parse(d.TagsJson)))]);

    private static Dictionary<string, int> Aliases(RegisteredModel model) => model.Aliases.ToDictionary(a => a.Alias, a => a.Version);

    private static DateTimeOffset At(long epochMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(epochMilliseconds);

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json);
        return document.RootElement.Clone();
    }
}
