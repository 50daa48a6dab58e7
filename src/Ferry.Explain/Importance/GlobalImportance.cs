namespace Ferry.Explain.Importance;

/// <summary>Global importance from local explanations.</summary>
public static class GlobalImportance
{
    /// <summary>
    /// Mean |attribution| per feature over <paramref name="explanations"/> (all with the same features, e.g. grouped
    /// per source feature), most important first. Units: the explanations' space.
    /// </summary>
    public static IReadOnlyList<FeatureImportance> MeanAbsoluteShap(IReadOnlyList<Explanation> explanations)
    {
        ArgumentNullException.ThrowIfNull(explanations);
        if (explanations.Count == 0)
        {
            return [];
        }

        var first = explanations[0];
        var features = first.Attributions.Length;
        var sum = new double[features];
        var sumSquares = new double[features];
        foreach (var explanation in explanations)
        {
            if (explanation.Attributions.Length != features)
            {
                throw new ArgumentException("Every explanation must have the same features.", nameof(explanations));
            }

            for (var i = 0; i < features; i++)
            {
                var magnitude = Math.Abs(explanation.Attributions[i]);
                sum[i] += magnitude;
                sumSquares[i] += magnitude * magnitude;
            }
        }

        var n = explanations.Count;
        return [.. Enumerable.Range(0, features)
            .Select(i =>
            {
                var mean = sum[i] / n;
                var variance = n > 1 ? Math.Max(0, (sumSquares[i] - (n * mean * mean)) / (n - 1)) : 0;
                return new FeatureImportance(first.FeatureName(i), mean, Math.Sqrt(variance));
            })
            .OrderByDescending(f => f.Importance)];
    }
}
