using Ferry.Explain.Trees;

namespace Ferry.Explain.Tests;

/// <summary>Small random ensembles for property tests: repeated features on a path, every split rule, NaN directions, uneven and zero covers.</summary>
internal static class RandomTrees
{
    public static TreeEnsemble Ensemble(int seed, int trees, int outputs, int features)
    {
        var random = new Random(seed);
        var list = Enumerable.Range(0, trees).Select(_ => Tree(random, outputs, features, random.Next(1, 7))).ToList();
        var bases = Enumerable.Range(0, outputs).Select(_ => Math.Round(random.NextDouble() * 2 - 1, 3)).ToArray();
        return new TreeEnsemble(list, features, bases);
    }

    /// <summary>A row over the thresholds' range (values on a grid so ties with thresholds happen) with some NaN.</summary>
    public static double[] Row(Random random, int features) =>
        [.. Enumerable.Range(0, features).Select(_ => random.NextDouble() < 0.1 ? double.NaN : random.Next(0, 9) / 2.0)];

    private static DecisionTree Tree(Random random, int outputs, int features, int maxDepth)
    {
        var left = new List<int>();
        var right = new List<int>();
        var feature = new List<int>();
        var threshold = new List<double>();
        var rule = new List<SplitRule>();
        var missing = new List<bool>();
        var values = new List<double>();
        var covers = new List<double>();
        Build(0);
        return new DecisionTree(left, right, feature, threshold, rule, missing, values, outputs, covers);

        double Build(int depth)
        {
            var node = left.Count;
            left.Add(-1);
            right.Add(-1);
            feature.Add(0);
            threshold.Add(0);
            rule.Add(SplitRule.LessThan);
            missing.Add(false);
            covers.Add(0);
            for (var k = 0; k < outputs; k++)
            {
                values.Add(0);
            }

            if (depth >= maxDepth || (depth > 0 && random.NextDouble() < 0.25))
            {
                for (var k = 0; k < outputs; k++)
                {
                    values[(node * outputs) + k] = Math.Round((random.NextDouble() * 4) - 2, 3);
                }

                // Mostly positive covers, sometimes an empty leaf.
                covers[node] = random.NextDouble() < 0.1 ? 0 : random.Next(1, 20);
                return covers[node];
            }

            feature[node] = random.Next(features);
            threshold[node] = random.Next(0, 9) / 2.0;
            rule[node] = (SplitRule)random.Next(6);
            missing[node] = random.NextDouble() < 0.5;
            var l = Build(depth + 1);
            left[node] = node + 1;
            right[node] = left.Count;
            var r = Build(depth + 1);
            covers[node] = l + r;
            return covers[node];
        }
    }
}
