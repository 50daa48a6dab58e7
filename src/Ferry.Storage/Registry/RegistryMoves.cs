using Ferry.Core.Registry;
using Microsoft.EntityFrameworkCore;
using static Ferry.Storage.Registry.RegistryQueries;

namespace Ferry.Storage.Registry;

/// <summary>
/// Alias and stage moves staged on a context inside someone else's transaction (an approved promotion request moves
/// its target in the transaction that records the last approval). Checks nothing about roles: the caller decided.
/// </summary>
internal static class RegistryMoves
{
    /// <summary>Points <paramref name="alias"/> at <paramref name="version"/>; returns the version it pointed at before.</summary>
    public static async Task<int?> MoveAliasAsync(FerryDbContext context, string name, string alias, int version, long now, CancellationToken cancellationToken)
    {
        var model = await context.RegisteredModels.Include(m => m.Aliases).FirstOrDefaultAsync(m => m.Name == name, cancellationToken) ?? throw ModelNotFound(name);
        _ = await TrackedVersionAsync(context, model.Id, name, version, cancellationToken);
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

        model.LastUpdatedTimestamp = now;
        return before;
    }

    /// <summary>Moves a version to <paramref name="stage"/>, archiving the others there when asked; returns its stage before and the archived versions.</summary>
    public static async Task<(string Before, List<int> Archived)> MoveStageAsync(
        FerryDbContext context, string name, int version, string stage, bool archiveExisting, long now, CancellationToken cancellationToken)
    {
        var model = await TrackedModelAsync(context, name, cancellationToken);
        var row = await TrackedVersionAsync(context, model.Id, name, version, cancellationToken);
        var before = row.CurrentStage;
        var archived = new List<int>();
        if (archiveExisting)
        {
            var others = await context.ModelVersions
                .Where(v => v.ModelId == model.Id && v.Version != version && !v.IsDeleted && v.CurrentStage == stage)
                .ToListAsync(cancellationToken);
            foreach (var other in others)
            {
                other.CurrentStage = ModelStage.Archived;
                other.LastUpdatedTimestamp = now;
                archived.Add(other.Version);
            }
        }

        row.CurrentStage = stage;
        row.LastUpdatedTimestamp = now;
        model.LastUpdatedTimestamp = now;
        return (before, archived);
    }
}
