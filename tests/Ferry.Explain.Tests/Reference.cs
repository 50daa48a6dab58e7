using Ferry.Explain.Trees;

namespace Ferry.Explain.Tests;

/// <summary>
/// Independent reference implementations used to check the library: tree evaluation written from the split
/// definitions, and the two TreeSHAP value functions written from their definitions (no shared code with the
/// algorithms under test), to be fed to brute-force Shapley enumeration.
/// </summary>
internal static class Reference
{
    public static bool Left(DecisionTree tree, int node, double value)
    {
        if (double.IsNaN(value))
        {
            return tree.MissingGoesLeft[node];
        }

        var t = tree.Thresholds[node];
        return tree.Rules[node] switch
        {
            SplitRule.LessThan => value < t,
            SplitRule.LessOrEqual => value <= t,
            SplitRule.GreaterThan => value > t,
            SplitRule.GreaterOrEqual => value >= t,
            SplitRule.Equal => value == t,
            _ => value != t,
        };
    }

    public static double Evaluate(TreeEnsemble ensemble, double[] x, int output)
    {
        var sum = ensemble.BaseValues[output];
        foreach (var tree in ensemble.Trees)
        {
            var node = 0;
            while (tree.LeftChildren[node] >= 0)
            {
                node = Left(tree, node, x[tree.SplitFeatures[node]]) ? tree.LeftChildren[node] : tree.RightChildren[node];
            }

            sum += tree.LeafValues[(node * tree.OutputCount) + output];
        }

        return sum;
    }

    /// <summary>v(S) = E[f(x) | x_S] with absent features integrated out by cover ratios (Lundberg et al. 2018, Alg. 1).</summary>
    public static double PathDependentValue(TreeEnsemble ensemble, double[] x, ulong present, int output)
    {
        var sum = ensemble.BaseValues[output];
        foreach (var tree in ensemble.Trees)
        {
            sum += Expect(tree, 0);
        }

        return sum;

        double Expect(DecisionTree tree, int node)
        {
            if (tree.LeftChildren[node] < 0)
            {
                return tree.LeafValues[(node * tree.OutputCount) + output];
            }

            var feature = tree.SplitFeatures[node];
            int left = tree.LeftChildren[node], right = tree.RightChildren[node];
            if ((present & (1UL << feature)) != 0)
            {
                return Expect(tree, Left(tree, node, x[feature]) ? left : right);
            }

            var covers = tree.Covers!;
            var (wl, wr) = covers[node] > 0 ? (covers[left] / covers[node], covers[right] / covers[node]) : (0.5, 0.5);
            return (wl * Expect(tree, left)) + (wr * Expect(tree, right));
        }
    }

    /// <summary>v(S) = mean over background rows b of f(x_S, b_S̄).</summary>
    public static double InterventionalValue(TreeEnsemble ensemble, double[] x, IReadOnlyList<double[]> background, ulong present, int output)
    {
        var sum = 0.0;
        foreach (var b in background)
        {
            var mixed = new double[x.Length];
            for (var i = 0; i < x.Length; i++)
            {
                mixed[i] = (present & (1UL << i)) != 0 ? x[i] : b[i];
            }

            sum += Evaluate(ensemble, mixed, output);
        }

        return sum / background.Count;
    }
}
