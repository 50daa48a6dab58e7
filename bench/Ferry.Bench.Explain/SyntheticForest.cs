using Ferry.Explain.Trees;

namespace Ferry.Bench.Explain;

/// <summary>A seeded random ensemble shaped like the XGBoost benchmark's: full depth-6 trees over 12 features, with covers.</summary>
internal static class SyntheticForest
{
    public static TreeEnsemble Build(int trees, int depth, int features, int seed)
    {
        var random = new Random(seed);
        return new TreeEnsemble([.. Enumerable.Range(0, trees).Select(_ => Tree(random, depth, features))], features, [0], PostTransform.Logistic);
    }

    public static double[][] Rows(int count, int features, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, features).Select(_ => (random.NextDouble() * 2) - 1).ToArray())];
    }

    private static DecisionTree Tree(Random random, int depth, int features)
    {
        var nodes = (1 << (depth + 1)) - 1;
        var internalNodes = (1 << depth) - 1;
        var left = new int[nodes];
        var right = new int[nodes];
        var feature = new int[nodes];
        var threshold = new double[nodes];
        var values = new double[nodes];
        var covers = new double[nodes];
        for (var node = nodes - 1; node >= 0; node--)
        {
            if (node >= internalNodes)
            {
                left[node] = right[node] = -1;
                values[node] = (random.NextDouble() * 0.2) - 0.1;
                covers[node] = random.Next(1, 100);
                continue;
            }

            left[node] = (2 * node) + 1;
            right[node] = (2 * node) + 2;
            feature[node] = random.Next(features);
            threshold[node] = (random.NextDouble() * 2) - 1;
            covers[node] = covers[left[node]] + covers[right[node]];
        }

        return new DecisionTree(left, right, feature, threshold, [.. Enumerable.Repeat(SplitRule.LessThan, nodes)],
            [.. Enumerable.Range(0, nodes).Select(_ => random.NextDouble() < 0.5)], values, 1, covers);
    }
}
