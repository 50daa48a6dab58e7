using Ferry.Core.Registry;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Serving;

/// <summary>A version a route points at now: the model's name, the alias followed (if any) and the version row.</summary>
internal sealed record RouteTarget(string ModelName, string? Alias, ModelVersion Version);

/// <summary>
/// The registry as the routes of one request see it: the named models with their aliases and non-deleted versions,
/// read in two queries, so every route resolves against the same state.
/// </summary>
internal sealed class EndpointStoreRegistry
{
    private readonly Dictionary<string, RegisteredModel> _models;
    private readonly Dictionary<(Guid ModelId, int Version), ModelVersion> _versions;

    private EndpointStoreRegistry(Dictionary<string, RegisteredModel> models, Dictionary<(Guid, int), ModelVersion> versions)
    {
        _models = models;
        _versions = versions;
    }

    public static async Task<EndpointStoreRegistry> LoadAsync(FerryDbContext db, IEnumerable<string> modelNames, CancellationToken cancellationToken)
    {
        var names = modelNames.Distinct(StringComparer.Ordinal).ToList();
        if (names.Count == 0)
        {
            return new EndpointStoreRegistry([], []);
        }

        var models = await db.RegisteredModels.AsNoTracking().Include(m => m.Aliases)
            .Where(m => names.Contains(m.Name)).ToListAsync(cancellationToken);
        var ids = models.Select(m => m.Id).ToList();
        var versions = await db.ModelVersions.AsNoTracking()
            .Where(v => ids.Contains(v.ModelId) && !v.IsDeleted).ToListAsync(cancellationToken);
        return new EndpointStoreRegistry(
            models.ToDictionary(m => m.Name, StringComparer.Ordinal),
            versions.ToDictionary(v => (v.ModelId, v.Version)));
    }

    /// <summary>The version a route points at and can be served, or null with the reason.</summary>
    public RouteTarget? Resolve(string modelName, int? version, string? alias, out string? problem)
    {
        problem = null;
        if (!_models.TryGetValue(modelName, out var model))
        {
            problem = $"registered model '{modelName}' does not exist";
            return null;
        }

        int number;
        if (alias is not null)
        {
            var pointer = model.Aliases.FirstOrDefault(a => a.Alias == alias);
            if (pointer is null)
            {
                problem = $"model '{modelName}' has no alias '{alias}'";
                return null;
            }

            number = pointer.Version;
        }
        else
        {
            number = version ?? 0;
        }

        if (!_versions.TryGetValue((model.Id, number), out var row))
        {
            problem = alias is null
                ? $"model '{modelName}' has no version {number}"
                : $"alias '{alias}' of model '{modelName}' points at version {number}, which does not exist";
            return null;
        }

        problem = Unservable(modelName, row);
        return problem is null ? new RouteTarget(modelName, alias, row) : null;
    }

    private static string? Unservable(string modelName, ModelVersion row)
    {
        if (string.IsNullOrEmpty(row.ArtifactPath))
        {
            return $"model '{modelName}' version {row.Version} cannot be served: its files are not in Ferry's artifact store (source '{row.Source}')";
        }

        return string.IsNullOrEmpty(row.Flavor)
            ? $"model '{modelName}' version {row.Version} cannot be served: Ferry found no ONNX or ML.NET model file in its source"
            : null;
    }
}
