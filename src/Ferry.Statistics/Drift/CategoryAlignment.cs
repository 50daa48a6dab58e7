namespace Ferry.Statistics.Drift;

/// <summary>Aligns two count tables over the union of their keys, in a deterministic key order.</summary>
internal static class CategoryAlignment
{
    /// <summary>Keys present in either table with a positive count, sorted with <paramref name="comparer"/>.</summary>
    public static (TKey[] Keys, long[] Reference, long[] Current) Align<TKey>(
        IReadOnlyDictionary<TKey, long> reference, IReadOnlyDictionary<TKey, long> current, IComparer<TKey> comparer)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        var keys = new SortedSet<TKey>(comparer);
        foreach (var (key, count) in reference)
        {
            if (count > 0)
            {
                keys.Add(key);
            }
        }

        foreach (var (key, count) in current)
        {
            if (count > 0)
            {
                keys.Add(key);
            }
        }

        var ordered = keys.ToArray();
        var referenceCounts = new long[ordered.Length];
        var currentCounts = new long[ordered.Length];
        for (var i = 0; i < ordered.Length; i++)
        {
            referenceCounts[i] = reference.TryGetValue(ordered[i], out var r) ? Math.Max(r, 0) : 0;
            currentCounts[i] = current.TryGetValue(ordered[i], out var c) ? Math.Max(c, 0) : 0;
        }

        return (ordered, referenceCounts, currentCounts);
    }
}
