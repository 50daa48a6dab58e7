namespace Ferry.Explain.Trees;

/// <summary>
/// Derives node covers from reference rows for formats that store none (ONNX, ML.NET): the cover of a node is the
/// number of reference rows whose path passes through it (each row follows the split rules and missing directions
/// exactly as prediction does). With the training rows this is the sample count path-dependent TreeSHAP expects
/// (scikit-learn's <c>weighted_n_node_samples</c> for unweighted training).
/// </summary>
public static class CoverEstimator
{
    /// <summary>A copy of <paramref name="ensemble"/> whose covers are reference-row counts per node.</summary>
    public static TreeEnsemble WithCovers(TreeEnsemble ensemble, IEnumerable<double[]> referenceRows)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        ArgumentNullException.ThrowIfNull(referenceRows);
        var counter = new CoverCounter(ensemble);
        foreach (var row in referenceRows)
        {
            counter.Add(row);
        }

        return WithCovers(ensemble, counter.Result());
    }

    /// <summary>A copy of <paramref name="ensemble"/> with covers counted before (<see cref="CoverCounter"/>).</summary>
    /// <exception cref="ArgumentException">The covers were counted on trees of another shape.</exception>
    public static TreeEnsemble WithCovers(TreeEnsemble ensemble, NodeCovers covers)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        ArgumentNullException.ThrowIfNull(covers);
        if (!covers.Fits(ensemble))
        {
            throw new ArgumentException("The covers were counted on trees of another shape.", nameof(covers));
        }

        return ensemble.WithTrees(ensemble.TreeArray.Select((tree, t) => tree.WithCovers(covers.Trees[t])));
    }
}

/// <summary>Node covers of a tree ensemble: per tree, the number of reference rows reaching each node.</summary>
/// <param name="Rows">Rows counted.</param>
/// <param name="Trees">Per tree, one count per node (the tree's node order).</param>
public sealed record NodeCovers(long Rows, IReadOnlyList<double[]> Trees)
{
    /// <summary>Whether these covers belong to trees shaped as <paramref name="ensemble"/>'s (same trees, same node counts).</summary>
    public bool Fits(TreeEnsemble ensemble)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        var trees = ensemble.TreeArray;
        if (trees.Length != Trees.Count || Rows <= 0)
        {
            return false;
        }

        for (var t = 0; t < trees.Length; t++)
        {
            if (trees[t].NodeCount != Trees[t].Length)
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>
/// Counts node covers one row at a time, so every reference row can be streamed through the trees without holding
/// the feature vectors of all of them.
/// </summary>
/// <param name="ensemble">The trees whose nodes are counted.</param>
public sealed class CoverCounter(TreeEnsemble ensemble)
{
    private readonly DecisionTree[] _trees = (ensemble ?? throw new ArgumentNullException(nameof(ensemble))).TreeArray;
    private readonly double[][] _counts = [.. ensemble.TreeArray.Select(t => new double[t.NodeCount])];
    private readonly int _features = ensemble.FeatureCount;

    /// <summary>Rows counted so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Routes one feature vector through every tree.</summary>
    public void Add(ReadOnlySpan<double> row)
    {
        if (row.Length < _features)
        {
            throw new ArgumentException($"A reference row has {row.Length} values; the model needs {_features}.", nameof(row));
        }

        for (var t = 0; t < _trees.Length; t++)
        {
            var tree = _trees[t];
            var counts = _counts[t];
            var left = tree.LeftArray;
            var right = tree.RightArray;
            var feature = tree.FeatureArray;
            var node = 0;
            counts[0]++;
            while (left[node] >= 0)
            {
                node = tree.GoesLeft(node, row[feature[node]]) ? left[node] : right[node];
                counts[node]++;
            }
        }

        Rows++;
    }

    /// <summary>The covers counted.</summary>
    /// <exception cref="ArgumentException">No row was counted.</exception>
    public NodeCovers Result()
    {
        if (Rows == 0)
        {
            throw new ArgumentException("At least one reference row is needed.");
        }

        return new NodeCovers(Rows, [.. _counts.Select(c => (double[])c.Clone())]);
    }
}
