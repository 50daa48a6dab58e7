using Ferry.Explain.Trees;

namespace Ferry.Explain.Importance;

/// <summary>
/// Scores shuffled copies of a set of feature vectors through a tree ensemble for permutation importance. The leaf
/// each unshuffled row reaches in each tree is kept, so a copy with some slots shuffled re-walks only the trees that
/// split on one of those slots and reuses the others' leaves, then sums the leaf values in tree order: the same outputs
/// as walking every tree.
/// </summary>
public sealed class TreePermutationScorer
{
    private readonly TreeEnsemble _ensemble;
    private readonly double[][] _vectors;
    private readonly int _output;
    private readonly int[][] _leaves;
    private readonly double[][] _raw;
    private readonly HashSet<int>[] _featuresOfTree;
    private readonly ulong[][]? _pathFeatures;

    /// <summary>Walks every tree once for every vector.</summary>
    /// <param name="ensemble">The trees.</param>
    /// <param name="vectors">The unshuffled feature vectors.</param>
    /// <param name="output">Which final output (after the post-transform) is the score.</param>
    public TreePermutationScorer(TreeEnsemble ensemble, double[][] vectors, int output)
    {
        ArgumentNullException.ThrowIfNull(ensemble);
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentOutOfRangeException.ThrowIfNegative(output);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(output, ensemble.OutputCount);
        _ensemble = ensemble;
        _vectors = vectors;
        _output = output;
        var trees = ensemble.TreeArray;
        _featuresOfTree = Array.ConvertAll(trees, t => Enumerable.Range(0, t.NodeCount).Where(n => !t.IsLeaf(n)).Select(n => t.FeatureArray[n]).ToHashSet());
        _leaves = new int[trees.Length][];
        for (var t = 0; t < trees.Length; t++)
        {
            var tree = trees[t];
            _leaves[t] = Array.ConvertAll(vectors, x => tree.LeafIndex(x));
        }

        // With at most 64 slots, the slots each row's path tests in each tree: a shuffle of other slots cannot move it.
        if (ensemble.FeatureCount <= 64)
        {
            _pathFeatures = new ulong[trees.Length][];
            for (var t = 0; t < trees.Length; t++)
            {
                var tree = trees[t];
                _pathFeatures[t] = Array.ConvertAll(vectors, x => PathFeatures(tree, x));
            }
        }

        _raw = new double[vectors.Length][];
        for (var i = 0; i < vectors.Length; i++)
        {
            var raw = (double[])ensemble.BaseValueArray.Clone();
            for (var t = 0; t < trees.Length; t++)
            {
                Add(raw, trees[t], _leaves[t][i]);
            }

            _raw[i] = raw;
        }
    }

    /// <summary>The score of every unshuffled vector.</summary>
    public double[] Baseline()
    {
        var scores = new double[_vectors.Length];
        var final = new double[_ensemble.OutputCount];
        for (var i = 0; i < scores.Length; i++)
        {
            PostTransforms.Apply(_ensemble.PostTransform, _raw[i], final);
            scores[i] = final[_output];
        }

        return scores;
    }

    /// <summary>The score of every vector with <paramref name="slots"/> taken from vector <c>order[i]</c>. Thread-safe.</summary>
    public double[] Shuffled(IReadOnlyList<int> slots, int[] order)
    {
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentNullException.ThrowIfNull(order);
        var trees = _ensemble.TreeArray;
        var touched = Enumerable.Range(0, trees.Length).Where(t => slots.Any(_featuresOfTree[t].Contains)).ToArray();
        var shuffledMask = 0UL;
        foreach (var slot in slots)
        {
            shuffledMask |= slot < 64 ? 1UL << slot : 0;
        }

        var slotArray = slots.ToArray();
        var scores = new double[_vectors.Length];
        var raw = new double[_ensemble.OutputCount];
        var x = new double[_ensemble.FeatureCount];
        var leaves = new int[trees.Length];
        for (var i = 0; i < scores.Length; i++)
        {
            var changed = false;
            var built = false;
            foreach (var t in touched)
            {
                if (_pathFeatures is not null && (_pathFeatures[t][i] & shuffledMask) == 0)
                {
                    continue; // no split on this row's path tests a shuffled slot: same leaf
                }

                if (!built)
                {
                    _vectors[i].CopyTo(x, 0);
                    var from = _vectors[order[i]];
                    foreach (var slot in slotArray)
                    {
                        x[slot] = from[slot];
                    }

                    for (var u = 0; u < trees.Length; u++)
                    {
                        leaves[u] = _leaves[u][i];
                    }

                    built = true;
                }

                leaves[t] = trees[t].LeafIndex(x);
                changed |= leaves[t] != _leaves[t][i];
            }

            if (changed)
            {
                // Summed afresh in tree order, as for the unshuffled rows: rows reaching the same leaves tie exactly.
                _ensemble.BaseValueArray.CopyTo(raw, 0);
                for (var t = 0; t < trees.Length; t++)
                {
                    Add(raw, trees[t], leaves[t]);
                }
            }
            else
            {
                _raw[i].CopyTo(raw, 0);
            }

            PostTransforms.Apply(_ensemble.PostTransform, raw, raw);
            scores[i] = raw[_output];
        }

        return scores;
    }

    /// <summary>The slots the splits on <paramref name="x"/>'s path through <paramref name="tree"/> test, as bits.</summary>
    private static ulong PathFeatures(DecisionTree tree, double[] x)
    {
        var mask = 0UL;
        var node = 0;
        while (!tree.IsLeaf(node))
        {
            var feature = tree.FeatureArray[node];
            mask |= 1UL << feature;
            node = tree.GoesLeft(node, x[feature]) ? tree.LeftArray[node] : tree.RightArray[node];
        }

        return mask;
    }

    private static void Add(double[] raw, DecisionTree tree, int leaf)
    {
        var values = tree.ValueArray;
        var offset = leaf * raw.Length;
        for (var k = 0; k < raw.Length; k++)
        {
            raw[k] += values[offset + k];
        }
    }
}
