namespace Ferry.Explain.Trees;

/// <summary>
/// Derives node covers from reference rows for formats that store none (ONNX, ML.NET): the cover of a node is the
/// number of reference rows whose path passes through it (each row follows the split rules and missing directions
/// exactly as prediction does). With the training rows this is the sample count path-dependent TreeSHAP expects.
/// </summary>
public static class CoverEstimator
{
    /// <summary>A copy of <paramref name="ensemble"/> whose covers are reference-row counts per node.</summary>
    public static TreeEnsemble WithCovers(TreeEnsemble ensemble, IEnumerable<double[]> referenceRows)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        ArgumentNullException.ThrowIfNull(referenceRows);
        var counts = ensemble.TreeArray.Select(t => new double[t.NodeCount]).ToArray();
        var rows = 0;
        foreach (var row in referenceRows)
        {
            if (row.Length < ensemble.FeatureCount)
            {
                throw new ArgumentException($"A reference row has {row.Length} values; the model needs {ensemble.FeatureCount}.", nameof(referenceRows));
            }

            rows++;
            for (var t = 0; t < counts.Length; t++)
            {
                var tree = ensemble.TreeArray[t];
                var node = 0;
                counts[t][0]++;
                while (!tree.IsLeaf(node))
                {
                    node = tree.GoesLeft(node, row[tree.FeatureArray[node]]) ? tree.LeftArray[node] : tree.RightArray[node];
                    counts[t][node]++;
                }
            }
        }

        if (rows == 0)
        {
            throw new ArgumentException("At least one reference row is needed.", nameof(referenceRows));
        }

        return ensemble.WithTrees(ensemble.TreeArray.Select((tree, t) => tree.WithCovers(counts[t])));
    }
}
