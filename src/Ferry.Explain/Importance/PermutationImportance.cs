namespace Ferry.Explain.Importance;

/// <summary>
/// Permutation importance (Breiman 2001; Fisher, Rudin &amp; Dominici 2019) of a black-box model on a labelled
/// holdout: each feature (or group of slots, shuffled together with one permutation) is shuffled across rows and
/// the metric's drop is recorded, <see cref="PermutationImportanceOptions.Repeats"/> times with seeded shuffles.
/// </summary>
public static class PermutationImportance
{
    /// <summary>Computes the importance of every feature.</summary>
    /// <typeparam name="T">The cell type (double, or object for mixed numbers and strings).</typeparam>
    /// <param name="model">Scores a batch of rows: a score (AUC) or positive-class probability (log loss) per row. Called from several threads at once.</param>
    /// <param name="rows">The holdout rows.</param>
    /// <param name="labels">Whether each row is positive.</param>
    /// <param name="groups">Optional grouping of columns into features; default one feature per column.</param>
    /// <param name="options">Metric, repeats, seed.</param>
    public static PermutationImportanceResult Compute<T>(
        Func<T[][], double[]> model,
        IReadOnlyList<T[]> rows,
        IReadOnlyList<bool> labels,
        FeatureGroups? groups = null,
        PermutationImportanceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(labels);
        options ??= new PermutationImportanceOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Repeats, 1, nameof(options));
        if (rows.Count != labels.Count || rows.Count < 2)
        {
            throw new ArgumentException("Need at least two rows and one label per row.", nameof(labels));
        }

        var width = rows[0].Length;
        groups ??= FeatureGroups.Anonymous(width);
        var all = rows.ToArray();
        return Compute(model(all), (slots, order) =>
        {
            var shuffled = new T[all.Length][];
            for (var i = 0; i < all.Length; i++)
            {
                shuffled[i] = (T[])all[i].Clone();
                foreach (var slot in slots)
                {
                    shuffled[i][slot] = all[order[i]][slot];
                }
            }

            return model(shuffled);
        }, labels, groups, options);
    }

    /// <summary>
    /// Computes the importance of every feature from a scorer of shuffled copies, for models that score a copy faster
    /// than by rebuilding its rows (e.g. re-walking only the trees that split on the shuffled feature). The shuffles
    /// are the ones <see cref="Compute{T}"/> draws for the same groups and options, so both give the same answer.
    /// </summary>
    /// <param name="baselineScores">The scores of the unshuffled rows.</param>
    /// <param name="scoreShuffled">Scores every row with the given slots taken from row <c>order[i]</c> (the rest
    /// unchanged). Called from several threads at once.</param>
    /// <param name="labels">Whether each row is positive.</param>
    /// <param name="groups">The features, each a group of slots shuffled together.</param>
    /// <param name="options">Metric, repeats, seed.</param>
    public static PermutationImportanceResult Compute(
        double[] baselineScores,
        Func<IReadOnlyList<int>, int[], double[]> scoreShuffled,
        IReadOnlyList<bool> labels,
        FeatureGroups groups,
        PermutationImportanceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(baselineScores);
        ArgumentNullException.ThrowIfNull(scoreShuffled);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(groups);
        options ??= new PermutationImportanceOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Repeats, 1, nameof(options));
        var count = labels.Count;
        if (count < 2)
        {
            throw new ArgumentException("Need at least two rows and one label per row.", nameof(labels));
        }

        var baseline = Score(baselineScores, count, labels, options.Metric);
        // The shuffles are drawn in order from the seed (so the result does not depend on scheduling), then the
        // permuted copies are scored in parallel: the model is called from several threads at once, as serving does.
        var random = new Random(options.Seed);
        var orders = new int[groups.Sources.Count * options.Repeats][];
        for (var k = 0; k < orders.Length; k++)
        {
            var order = new int[count];
            for (var i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            random.Shuffle(order);
            orders[k] = order;
        }

        var drops = new double[orders.Length];
        Parallel.For(0, orders.Length, k =>
        {
            var score = Score(scoreShuffled(groups.SlotsOf(k / options.Repeats), orders[k]), count, labels, options.Metric);
            drops[k] = options.Metric == ImportanceMetric.RocAuc ? baseline - score : score - baseline;
        });

        var features = new List<FeatureImportance>(groups.Sources.Count);
        for (var g = 0; g < groups.Sources.Count; g++)
        {
            var repeats = drops.AsSpan(g * options.Repeats, options.Repeats).ToArray();
            var mean = repeats.Average();
            var sd = repeats.Length > 1 ? Math.Sqrt(repeats.Sum(d => (d - mean) * (d - mean)) / (repeats.Length - 1)) : 0;
            features.Add(new FeatureImportance(groups.Sources[g], mean, sd));
        }

        return new PermutationImportanceResult(options.Metric, baseline, [.. features.OrderByDescending(f => f.Importance)]);
    }

    private static double Score(double[] scores, int rows, IReadOnlyList<bool> labels, ImportanceMetric metric)
    {
        if (scores.Length != rows)
        {
            throw new InvalidOperationException($"The model returned {scores.Length} outputs for {rows} rows.");
        }

        return metric == ImportanceMetric.RocAuc ? BinaryMetrics.RocAuc(scores, labels) : BinaryMetrics.LogLoss(scores, labels);
    }
}
