using Ferry.Core.Errors;
using Ferry.Core.Registry;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Registry;

/// <summary>Read helpers shared by the registry store's reads and writes.</summary>
internal static class RegistryQueries
{
    /// <summary>Models with tags, aliases and non-deleted versions (with tags), untracked.</summary>
    public static IQueryable<RegisteredModel> Full(FerryDbContext db) =>
        db.RegisteredModels.AsNoTracking()
            .Include(m => m.Tags)
            .Include(m => m.Aliases)
            .Include(m => m.Versions.Where(v => !v.IsDeleted)).ThenInclude(v => v.Tags)
            .AsSplitQuery();

    public static async Task<RegisteredModel> TrackedModelAsync(FerryDbContext db, string name, CancellationToken cancellationToken) =>
        await db.RegisteredModels.FirstOrDefaultAsync(m => m.Name == name, cancellationToken)
            ?? throw ModelNotFound(name);

    public static async Task<ModelVersion> TrackedVersionAsync(FerryDbContext db, Guid modelId, string name, int version, CancellationToken cancellationToken) =>
        await db.ModelVersions.Include(v => v.Tags).FirstOrDefaultAsync(v => v.ModelId == modelId && v.Version == version && !v.IsDeleted, cancellationToken)
            ?? throw VersionNotFound(name, version);

    public static NotFoundException ModelNotFound(string name) => new($"Registered Model with name={name} not found");

    public static NotFoundException VersionNotFound(string name, int version) => new($"Model Version (name={name}, version={version}) not found");

    public static RegistryVersion View(RegisteredModel model, ModelVersion version) =>
        new(model.Name, version, [.. model.Aliases.Where(a => a.Version == version.Version).Select(a => a.Alias).Order(StringComparer.Ordinal)]);

    public static string Target(string name) => $"model/{name}";

    public static string Target(string name, int version) => $"model/{name}/{version}";
}
