using Ferry.Explain.Trees;

namespace Ferry.Explain.Shap;

/// <summary>
/// The players of a TreeSHAP game: the ensemble's features, or the source columns of <see cref="FeatureGroups"/> (a
/// split on any slot of a group is a split on its source).
/// </summary>
/// <param name="PlayerOf">The player of each feature the ensemble reads; null when the players are the features.</param>
/// <param name="Count">How many players.</param>
/// <param name="Names">The players' names, when known.</param>
internal sealed record TreePlayers(int[]? PlayerOf, int Count, IReadOnlyList<string>? Names)
{
    /// <summary>The players of <paramref name="ensemble"/>'s game under <paramref name="groups"/> (null: one per feature).</summary>
    /// <exception cref="ArgumentException">The groups cover fewer slots than the ensemble reads.</exception>
    public static TreePlayers Of(TreeEnsemble ensemble, FeatureGroups? groups)
    {
        if (groups is null)
        {
            return new(null, ensemble.FeatureCount, ensemble.FeatureNames);
        }

        if (groups.SlotCount < ensemble.FeatureCount)
        {
            throw new ArgumentException($"The groups have {groups.SlotCount} slots; the ensemble reads {ensemble.FeatureCount}.", nameof(groups));
        }

        return new([.. Enumerable.Range(0, ensemble.FeatureCount).Select(groups.SourceIndexOf)], groups.Sources.Count, groups.Sources);
    }
}
