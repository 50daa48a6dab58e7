using Ferry.Explain.Readers;
using Ferry.Explain.Trees;
using static Ferry.Explain.Tests.OnnxGraphs;

namespace Ferry.Explain.Tests;

/// <summary>ONNX conventions checked on graphs built in memory.</summary>
public sealed class OnnxEdgeCaseTests
{
    [Fact]
    public void BinarySoftmaxOverTwoClassIds_BecomesOneLogisticMargin()
    {
        // Leaf 1: class 0 += 0.2, class 1 += 0.7; leaf 2: class 0 += 0.9, class 1 += −0.1; base values (0.1, −0.3).
        var tree = Node("TreeEnsembleClassifier", ["x"], ["label", "probabilities"], "ai.onnx.ml",
        [
            .. Stump(0),
            Floats("nodes_values", 0.5f, 0, 0),
            Ints("classlabels_int64s", 0, 1),
            Ints("class_treeids", 0, 0, 0, 0),
            Ints("class_nodeids", 1, 1, 2, 2),
            Ints("class_ids", 0, 1, 0, 1),
            Floats("class_weights", 0.2f, 0.7f, 0.9f, -0.1f),
            Floats("base_values", 0.1f, -0.3f),
            String("post_transform", "SOFTMAX"),
        ]);
        using var stream = Model([tree], [FloatInput("x", 1)]);
        var model = OnnxTreeEnsembleReader.Read(stream);
        Assert.Equal(1, model.Ensemble.OutputCount);
        Assert.Equal(PostTransform.Logistic, model.Ensemble.PostTransform);
        foreach (var (x, s0, s1) in new[] { (0.0, 0.1 + 0.2f, -0.3 + 0.7f), (1.0, 0.1 + 0.9f, -0.3 - 0.1f) })
        {
            var softmax1 = Math.Exp(s1) / (Math.Exp(s0) + Math.Exp(s1));
            Assert.Equal(softmax1, model.Ensemble.PredictTransformed([x])[0], 6);
        }
    }

    [Fact]
    public void DoubleTensorAttributes_AreRead_InFullPrecision()
    {
        var tree = Node("TreeEnsembleRegressor", ["x"], ["y"], "ai.onnx.ml",
        [
            .. Stump(1, "BRANCH_LT"),
            DoubleTensor("nodes_values_as_tensor", 0.1234567890123, 0, 0),
            Ints("target_treeids", 0, 0),
            Ints("target_nodeids", 1, 2),
            Ints("target_ids", 0, 0),
            DoubleTensor("target_weights_as_tensor", 1.000000000001, 2),
            Int("n_targets", 1),
        ]);
        using var stream = Model([tree], [FloatInput("x", 2)]);
        var model = OnnxTreeEnsembleReader.Read(stream);
        Assert.Equal(0.1234567890123, model.Ensemble.Trees[0].Thresholds[0]);
        Assert.Equal(1.000000000001, model.Ensemble.PredictRaw([0, 0.1])[0]);
        Assert.Equal(2, model.Ensemble.PredictRaw([0, 0.1234567890123])[0]); // BRANCH_LT: equal goes right
    }

    [Fact]
    public void Tracing_FollowsImputerConstants_AndColumnSelection()
    {
        // x float[N,3] → Imputer(NaN → 5, 6, 7) → Mul by 2 → ArrayFeatureExtractor [2, 0] → tree
        var nodes = new[]
        {
            Node("Imputer", ["x"], ["imputed"], "ai.onnx.ml", Floats("imputed_value_floats", 5, 6, 7), Float("replaced_value_float", float.NaN)),
            Node("Mul", ["imputed", "two"], ["doubled"]),
            Node("ArrayFeatureExtractor", ["doubled", "columns"], ["picked"], "ai.onnx.ml"),
            Node("TreeEnsembleRegressor", ["picked"], ["y"], "ai.onnx.ml",
            [
                .. Stump(1), Floats("nodes_values", 0.5f, 0, 0), Ints("target_treeids", 0, 0), Ints("target_nodeids", 1, 2),
                Ints("target_ids", 0, 0), Floats("target_weights", 1, 2),
            ]),
        };
        using var stream = Model(nodes, [FloatInput("x", 3)], [FloatConstant("two", 2), Int64Constant("columns", 2, 0)]);
        var model = OnnxTreeEnsembleReader.Read(stream);
        Assert.Null(model.TracingProblem);
        Assert.Equal(["x[2]", "x[0]"], model.Groups.Sources);
        Assert.Equal([14, 2], model.Featurizer!.Featurize(new Dictionary<string, object?> { ["x"] = new[] { 1.0, 3, double.NaN } }));
    }

    [Fact]
    public void UntraceableOp_LeavesAnonymousSlots_AndTheReason()
    {
        var nodes = new[]
        {
            Node("Normalizer", ["x"], ["n"], "ai.onnx.ml", String("norm", "L2")),
            Node("TreeEnsembleRegressor", ["n"], ["y"], "ai.onnx.ml",
            [
                .. Stump(1), Floats("nodes_values", 0.5f, 0, 0), Ints("target_treeids", 0, 0), Ints("target_nodeids", 1, 2),
                Ints("target_ids", 0, 0), Floats("target_weights", 1, 2),
            ]),
        };
        using var stream = Model(nodes, [FloatInput("x", 2)]);
        var model = OnnxTreeEnsembleReader.Read(stream);
        Assert.Contains("Normalizer", model.TracingProblem, StringComparison.Ordinal);
        Assert.Null(model.Featurizer);
        Assert.Equal(["n_0", "n_1"], model.Groups.Sources);
    }
}
