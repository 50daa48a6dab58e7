using System.Globalization;
using Ferry.Explain.Readers.Onnx;
using Ferry.Explain.Trees;

namespace Ferry.Explain.Readers;

/// <summary>
/// Reads the ai.onnx.ml TreeEnsembleClassifier or TreeEnsembleRegressor node of an ONNX model (nodes_*, class_* /
/// target_*, base_values, post_transform, aggregate_function; *_as_tensor attributes too) into a
/// <see cref="TreeEnsemble"/>, and traces its input back to the model's inputs (<see cref="FeatureGroups"/>).
/// <para>
/// Output convention. Regressors: one output per target, in <see cref="ExplanationSpaces.Value"/> (AVERAGE is a sum
/// with leaf values divided by the tree count). Binary classifiers map to ONE margin output whose logistic is the
/// probability of the second class label: with a single class id (skl2onnx's GradientBoostingClassifier: LOGISTIC,
/// one base value) the margin is that class's score as ONNX Runtime treats it; with two class ids and LOGISTIC (or
/// NONE) it is class 1's score; with SOFTMAX it is class 1's score minus class 0's, and the transform becomes
/// logistic. Multi-class models keep one output per class. PROBIT and MIN/MAX aggregation are not supported.
/// </para>
/// </summary>
public static class OnnxTreeEnsembleReader
{
    /// <summary>Reads the model at <paramref name="path"/>.</summary>
    public static OnnxTreeModel ReadFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream);
    }

    /// <summary>Reads a model from <paramref name="stream"/>.</summary>
    public static OnnxTreeModel Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var model = OnnxModels.Parse(stream);
        var node = OnnxModels.FindNode(model, "TreeEnsembleClassifier", "TreeEnsembleRegressor");
        var a = new OnnxAttributes(node);
        var classifier = node.OpType == "TreeEnsembleClassifier";
        var labels = classifier ? ClassLabels(a) : [];
        var prefix = classifier ? "class" : "target";
        var leaves = new LeafEntries(a.Ints(prefix + "_treeids"), a.Ints(prefix + "_nodeids"), a.Ints(prefix + "_ids"), a.Floats(prefix + "_weights"));
        var transform = a.String("post_transform", "NONE");
        var baseValues = a.Floats("base_values");
        var mapping = classifier
            ? ClassifierOutputs(labels.Length, leaves.Ids, transform, baseValues)
            : RegressorOutputs((int)a.Int("n_targets", 1), transform, baseValues);
        var nodeTrees = a.Ints("nodes_treeids");
        var treeIds = nodeTrees.Distinct().Order().ToArray();
        var leafScale = 1.0;
        if (!classifier)
        {
            leafScale = a.String("aggregate_function", "SUM") switch
            {
                "SUM" => 1.0,
                "AVERAGE" => 1.0 / treeIds.Length,
                var other => throw new NotSupportedException($"aggregate_function {other} is not additive; only SUM and AVERAGE are supported."),
            };
        }

        var maxFeature = (int)a.Ints("nodes_featureids").DefaultIfEmpty(0).Max();
        var (groups, featurizer, problem) = OnnxModels.Trace(model, node.Input[0], maxFeature + 1);
        var trees = treeIds.Select(t => ReadTree(a, t, leaves, mapping, leafScale)).ToList();
        if (classifier && transform == "NONE" && mapping.Outputs == 1 && AlwaysWithinZeroAndOne(trees, mapping.BaseValues[0]))
        {
            // A forest that averages class fractions (skl2onnx's RandomForest: each leaf's weight is its fraction
            // divided by the tree count): the score can only lie in [0, 1] and is served as the class probability.
            mapping = mapping with { Space = ExplanationSpaces.Probability };
        }

        var ensemble = new TreeEnsemble(trees, groups.SlotCount, mapping.BaseValues, mapping.Transform, groups.SlotNames, mapping.Space);
        return new OnnxTreeModel(ensemble, groups, featurizer, problem, labels);
    }

    /// <summary>Whether the single-output score (base value plus one leaf per tree) lies in [0, 1] whatever leaves are reached.</summary>
    private static bool AlwaysWithinZeroAndOne(List<DecisionTree> trees, double baseValue)
    {
        var low = baseValue;
        var high = baseValue;
        foreach (var tree in trees)
        {
            var leafValues = Enumerable.Range(0, tree.NodeCount).Where(tree.IsLeaf).Select(n => tree.LeafValue(n)).ToArray();
            low += leafValues.Min();
            high += leafValues.Max();
        }

        return trees.Count > 0 && low >= -1e-9 && high <= 1 + 1e-6;
    }

    private static string[] ClassLabels(OnnxAttributes a)
    {
        var strings = a.Strings("classlabels_strings");
        return strings.Length > 0 ? strings : [.. a.Ints("classlabels_int64s").Select(l => l.ToString(CultureInfo.InvariantCulture))];
    }

    private static OutputMapping RegressorOutputs(int targets, string transform, double[] baseValues)
    {
        var post = Transform(transform);
        var space = post == PostTransform.None ? ExplanationSpaces.Value : post == PostTransform.Logistic ? ExplanationSpaces.LogOdds : ExplanationSpaces.RawMargin;
        var bases = Enumerable.Range(0, targets).Select(k => k < baseValues.Length ? baseValues[k] : 0).ToArray();
        return new OutputMapping(targets, id => [(checked((int)id), 1.0)], bases, post, space);
    }

    private static OutputMapping ClassifierOutputs(int classes, long[] ids, string transform, double[] baseValues)
    {
        var used = ids.Distinct().Order().ToArray();
        double Base(long k) => k < baseValues.Length ? baseValues[k] : 0;
        if (classes == 2 && used.Length == 1)
        {
            // ONNX Runtime's binary case: one score s; LOGISTIC gives P(second label) = σ(s).
            var post = transform switch
            {
                "LOGISTIC" => PostTransform.Logistic,
                "NONE" => PostTransform.None,
                _ => throw new NotSupportedException($"A binary tree classifier with one class id and {transform} is not supported."),
            };
            var only = used[0];
            var bias = baseValues.Length == 2 ? Base(only) : Base(0);
            return new OutputMapping(1, id => [(0, 1.0)], [bias], post, post == PostTransform.Logistic ? ExplanationSpaces.LogOdds : ExplanationSpaces.RawMargin);
        }

        if (classes == 2)
        {
            return transform switch
            {
                "LOGISTIC" => new OutputMapping(1, id => id == 1 ? [(0, 1.0)] : [], [Base(1)], PostTransform.Logistic, ExplanationSpaces.LogOdds),
                "NONE" => new OutputMapping(1, id => id == 1 ? [(0, 1.0)] : [], [Base(1)], PostTransform.None, ExplanationSpaces.RawMargin),
                "SOFTMAX" or "SOFTMAX_ZERO" => new OutputMapping(1, id => [(0, id == 1 ? 1.0 : -1.0)], [Base(1) - Base(0)], PostTransform.Logistic, ExplanationSpaces.LogOdds),
                _ => throw new NotSupportedException($"post_transform {transform} is not supported."),
            };
        }

        var transformOut = Transform(transform);
        var bases = Enumerable.Range(0, classes).Select(k => Base(k)).ToArray();
        return new OutputMapping(classes, id => [(checked((int)id), 1.0)], bases, transformOut, transformOut == PostTransform.Logistic ? ExplanationSpaces.LogOdds : ExplanationSpaces.RawMargin);
    }

    private static PostTransform Transform(string name) => name switch
    {
        "NONE" => PostTransform.None,
        "LOGISTIC" => PostTransform.Logistic,
        "SOFTMAX" => PostTransform.Softmax,
        "SOFTMAX_ZERO" => PostTransform.SoftmaxZero,
        _ => throw new NotSupportedException($"post_transform {name} is not supported."),
    };

    private static DecisionTree ReadTree(OnnxAttributes a, long treeId, LeafEntries leaves, OutputMapping mapping, double leafScale)
    {
        var treeIds = a.Ints("nodes_treeids");
        var nodeIds = a.Ints("nodes_nodeids");
        var features = a.Ints("nodes_featureids");
        var thresholds = a.Floats("nodes_values");
        var modes = a.Strings("nodes_modes");
        var trueIds = a.Ints("nodes_truenodeids");
        var falseIds = a.Ints("nodes_falsenodeids");
        var missingTrue = a.Ints("nodes_missing_value_tracks_true");
        var entries = Enumerable.Range(0, treeIds.Length).Where(i => treeIds[i] == treeId).ToDictionary(i => nodeIds[i]);
        var children = entries.Values.Where(i => modes[i] != "LEAF").SelectMany(i => new[] { trueIds[i], falseIds[i] }).ToHashSet();
        var root = entries.Keys.Where(id => !children.Contains(id)).ToArray() is [var r]
            ? r
            : throw new NotSupportedException($"Tree {treeId} does not have exactly one root.");

        // Renumber breadth-first so the root is node 0.
        var order = new List<long> { root };
        var local = new Dictionary<long, int> { [root] = 0 };
        for (var k = 0; k < order.Count; k++)
        {
            var i = entries[order[k]];
            if (modes[i] == "LEAF")
            {
                continue;
            }

            foreach (var child in new[] { trueIds[i], falseIds[i] })
            {
                if (!entries.ContainsKey(child) || !local.TryAdd(child, order.Count))
                {
                    throw new NotSupportedException($"Tree {treeId} has a missing or shared node {child}.");
                }

                order.Add(child);
            }
        }

        var n = order.Count;
        var outputs = mapping.Outputs;
        var tree = new TreeArrays(n, outputs);
        for (var k = 0; k < n; k++)
        {
            var i = entries[order[k]];
            if (modes[i] == "LEAF")
            {
                tree.Left[k] = tree.Right[k] = -1;
                continue;
            }

            tree.Left[k] = local[trueIds[i]];
            tree.Right[k] = local[falseIds[i]];
            tree.Features[k] = checked((int)features[i]);
            tree.Thresholds[k] = thresholds[i];
            tree.Rules[k] = modes[i] switch
            {
                "BRANCH_LEQ" => SplitRule.LessOrEqual,
                "BRANCH_LT" => SplitRule.LessThan,
                "BRANCH_GTE" => SplitRule.GreaterOrEqual,
                "BRANCH_GT" => SplitRule.GreaterThan,
                "BRANCH_EQ" => SplitRule.Equal,
                "BRANCH_NEQ" => SplitRule.NotEqual,
                var mode => throw new NotSupportedException($"Node mode {mode} is not supported."),
            };

            // ONNX Runtime: NaN takes the true branch when missing_value_tracks_true, else the comparison decides (false, except !=).
            tree.MissingLeft[k] = (i < missingTrue.Length && missingTrue[i] != 0) || tree.Rules[k] == SplitRule.NotEqual;
        }

        foreach (var e in leaves.Of(treeId))
        {
            if (!local.TryGetValue(leaves.NodeIds[e], out var k))
            {
                throw new NotSupportedException($"A leaf weight names node {leaves.NodeIds[e]}, which tree {treeId} lacks.");
            }

            foreach (var (output, sign) in mapping.Map(leaves.Ids[e]))
            {
                tree.Values[(k * outputs) + output] += sign * leaves.Weights[e] * leafScale;
            }
        }

        return tree.Build();
    }

    private sealed record OutputMapping(int Outputs, Func<long, (int Output, double Sign)[]> Map, double[] BaseValues, PostTransform Transform, string Space);

    private sealed class LeafEntries(long[] treeIds, long[] nodeIds, long[] ids, double[] weights)
    {
        private readonly ILookup<long, int> _byTree = Enumerable.Range(0, treeIds.Length).ToLookup(i => treeIds[i]);

        public long[] NodeIds => nodeIds;

        public long[] Ids => ids;

        public double[] Weights => weights;

        public IEnumerable<int> Of(long treeId) => _byTree[treeId];
    }
}
