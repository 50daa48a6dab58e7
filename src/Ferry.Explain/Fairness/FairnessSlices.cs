namespace Ferry.Explain.Fairness;

/// <summary>Decision rates sliced by a sensitive attribute, with demographic-parity and equal-opportunity gaps.</summary>
public static class FairnessSlices
{
    /// <summary>Computes the slices.</summary>
    /// <param name="groups">Each row's value of the attribute.</param>
    /// <param name="predictedPositive">Whether each row was selected (the positive decision, e.g. approved).</param>
    /// <param name="actualPositive">Whether each row is actually positive (e.g. repaid); <see langword="null"/> when unknown.</param>
    public static FairnessReport Compute(IReadOnlyList<string> groups, IReadOnlyList<bool> predictedPositive, IReadOnlyList<bool>? actualPositive = null)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(predictedPositive);
        if (predictedPositive.Count != groups.Count || (actualPositive is not null && actualPositive.Count != groups.Count))
        {
            throw new ArgumentException("Every row needs a group, a decision and (if given) a label.", nameof(predictedPositive));
        }

        var slices = Enumerable.Range(0, groups.Count)
            .GroupBy(i => groups[i], StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Slice(g.Key, [.. g], predictedPositive, actualPositive))
            .ToList();
        var selection = slices.Select(s => s.SelectionRate).ToList();
        var tpr = slices.Select(s => s.TruePositiveRate).Where(r => !double.IsNaN(r)).ToList();
        return new FairnessReport(
            slices,
            selection.Count == 0 ? double.NaN : selection.Max() - selection.Min(),
            tpr.Count == 0 ? double.NaN : tpr.Max() - tpr.Min());
    }

    private static SliceMetrics Slice(string group, int[] rows, IReadOnlyList<bool> predicted, IReadOnlyList<bool>? actual)
    {
        var selected = rows.Count(i => predicted[i]);
        var positives = actual is null ? 0 : rows.Count(i => actual[i]);
        var negatives = actual is null ? 0 : rows.Length - positives;
        var truePositives = actual is null ? 0 : rows.Count(i => actual[i] && predicted[i]);
        var falsePositives = actual is null ? 0 : rows.Count(i => !actual[i] && predicted[i]);
        return new SliceMetrics(
            group,
            rows.Length,
            (double)selected / rows.Length,
            positives == 0 ? double.NaN : (double)truePositives / positives,
            negatives == 0 ? double.NaN : (double)falsePositives / negatives,
            positives);
    }
}
