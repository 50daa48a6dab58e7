using Ferry.Explain.Trees;

namespace Ferry.Explain.Shap;

/// <summary>
/// An ensemble flattened for the TreeSHAP hot loops: every tree's nodes in one struct array (no per-node objects,
/// children as absolute indices), leaf values in one array (<c>node * outputs + output</c>), per-tree roots.
/// </summary>
internal sealed class FlatForest
{
    public FlatForest(TreeEnsemble ensemble, bool requireCovers, IReadOnlyList<int>? playerOfFeature = null)
    {
        Outputs = ensemble.OutputCount;
        FeatureCount = ensemble.FeatureCount;
        MaxDepth = ensemble.MaxDepth;
        var total = ensemble.TreeArray.Sum(t => t.NodeCount);
        Nodes = new FlatNode[total];
        Values = new double[total * Outputs];
        Roots = new int[ensemble.TreeArray.Length];
        var offset = 0;
        for (var t = 0; t < Roots.Length; t++)
        {
            var tree = ensemble.TreeArray[t];
            if (requireCovers && tree.CoverArray is null)
            {
                throw new ArgumentException(
                    "Path-dependent TreeSHAP needs node covers; this model has none. Use CoverEstimator.WithCovers with reference rows.",
                    nameof(ensemble));
            }

            Roots[t] = offset;
            for (var node = 0; node < tree.NodeCount; node++)
            {
                var leaf = tree.IsLeaf(node);
                var (leftFraction, rightFraction) = leaf ? (0.0, 0.0) : Fractions(tree, node);
                Nodes[offset + node] = new FlatNode
                {
                    Left = leaf ? -1 : offset + tree.LeftArray[node],
                    Right = leaf ? -1 : offset + tree.RightArray[node],
                    Feature = leaf ? 0 : tree.FeatureArray[node],
                    Player = leaf ? 0 : playerOfFeature is null ? tree.FeatureArray[node] : playerOfFeature[tree.FeatureArray[node]],
                    Rule = tree.RuleArray[node],
                    MissingLeft = tree.MissingLeftArray[node],
                    Threshold = tree.ThresholdArray[node],
                    LeftFraction = leftFraction,
                    RightFraction = rightFraction,
                };
            }

            Array.Copy(tree.ValueArray, 0, Values, offset * Outputs, tree.NodeCount * Outputs);
            offset += tree.NodeCount;
        }
    }

    public FlatNode[] Nodes { get; }

    public double[] Values { get; }

    public int[] Roots { get; }

    public int Outputs { get; }

    public int FeatureCount { get; }

    public int MaxDepth { get; }

    /// <summary>Raw outputs without base values: Σ over trees of the reached leaf's values.</summary>
    public void SumLeaves(ReadOnlySpan<double> x, Span<double> destination)
    {
        destination.Clear();
        foreach (var root in Roots)
        {
            var node = root;
            while (Nodes[node].Left >= 0)
            {
                node = Nodes[node].GoesLeft(x) ? Nodes[node].Left : Nodes[node].Right;
            }

            for (var k = 0; k < Outputs; k++)
            {
                destination[k] += Values[(node * Outputs) + k];
            }
        }
    }

    /// <summary>Cover-weighted mean of the leaf values of the subtree at <paramref name="node"/>.</summary>
    public void CoverWeightedMean(int node, Span<double> destination)
    {
        ref readonly var n = ref Nodes[node];
        if (n.Left < 0)
        {
            Values.AsSpan(node * Outputs, Outputs).CopyTo(destination);
            return;
        }

        Span<double> right = stackalloc double[Outputs];
        CoverWeightedMean(n.Left, destination);
        CoverWeightedMean(n.Right, right);
        for (var k = 0; k < Outputs; k++)
        {
            destination[k] = (n.LeftFraction * destination[k]) + (n.RightFraction * right[k]);
        }
    }

    private static (double Left, double Right) Fractions(DecisionTree tree, int node)
    {
        var covers = tree.CoverArray;
        if (covers is null || !(covers[node] > 0))
        {
            return (0.5, 0.5);
        }

        return (covers[tree.LeftArray[node]] / covers[node], covers[tree.RightArray[node]] / covers[node]);
    }
}
