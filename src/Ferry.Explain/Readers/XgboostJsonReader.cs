using System.Globalization;
using System.Text.Json;
using Ferry.Explain.Trees;

namespace Ferry.Explain.Readers;

/// <summary>
/// Reads an XGBoost gbtree model saved with <c>save_model("model.json")</c> (the JSON format of XGBoost ≥ 1.0) into a
/// <see cref="TreeEnsemble"/> with covers (<c>sum_hessian</c>), so path-dependent TreeSHAP matches XGBoost's own
/// <c>pred_contribs</c>. Splits are <c>x &lt; split_condition</c> goes left; a missing value follows
/// <c>default_left</c>; leaf values are <c>split_conditions</c> at leaves (learning rate already applied).
/// <c>base_score</c> is turned into margin space as the objective does (logit for binary:logistic / reg:logistic /
/// binary:logitraw, log for count:poisson / reg:gamma / reg:tweedie, as is otherwise). Binary:logistic gives one
/// output with a logistic post-transform (log-odds space); multi:softprob / multi:softmax give one output per class
/// with softmax, each tree adding to the class in <c>tree_info</c>. Categorical splits and dart are not supported.
/// </summary>
public static class XgboostJsonReader
{
    /// <summary>Reads the model at <paramref name="path"/>.</summary>
    public static TreeEnsemble ReadFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream);
    }

    /// <summary>Reads a model from <paramref name="json"/>.</summary>
    public static TreeEnsemble Read(Stream json)
    {
        using var document = JsonDocument.Parse(json);
        return Read(document.RootElement);
    }

    /// <summary>Reads a model from a JSON string.</summary>
    public static TreeEnsemble ReadText(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Read(document.RootElement);
    }

    private static TreeEnsemble Read(JsonElement root)
    {
        var learner = root.GetProperty("learner");
        var booster = learner.GetProperty("gradient_booster");
        var boosterName = booster.GetProperty("name").GetString();
        if (boosterName != "gbtree")
        {
            throw new NotSupportedException($"Only the gbtree booster is supported, not '{boosterName}'.");
        }

        var parameters = learner.GetProperty("learner_model_param");
        var featureCount = int.Parse(parameters.GetProperty("num_feature").GetString()!, CultureInfo.InvariantCulture);
        var classes = int.Parse(parameters.GetProperty("num_class").GetString()!, CultureInfo.InvariantCulture);
        if (parameters.TryGetProperty("num_target", out var targets)
            && int.Parse(targets.GetString()!, CultureInfo.InvariantCulture) > 1)
        {
            throw new NotSupportedException("Multi-target XGBoost models are not supported.");
        }

        var baseScore = (double)float.Parse(parameters.GetProperty("base_score").GetString()!, CultureInfo.InvariantCulture);
        var objective = learner.GetProperty("objective").GetProperty("name").GetString() ?? "";
        var outputs = Math.Max(1, classes);
        var model = booster.GetProperty("model");
        var treeInfo = model.GetProperty("tree_info").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var trees = model.GetProperty("trees").EnumerateArray().Select((tree, t) => ReadTree(tree, treeInfo[t], outputs)).ToList();
        var names = learner.TryGetProperty("feature_names", out var n) && n.GetArrayLength() == featureCount
            ? n.EnumerateArray().Select(e => e.GetString() ?? "").ToArray()
            : null;
        var margin = MarginOf(objective, baseScore);
        var transform = objective switch
        {
            "binary:logistic" or "reg:logistic" => PostTransform.Logistic,
            "multi:softprob" or "multi:softmax" => PostTransform.Softmax,
            _ => PostTransform.None,
        };
        var space = objective switch
        {
            "binary:logistic" or "reg:logistic" or "binary:logitraw" => ExplanationSpaces.LogOdds,
            _ when objective.StartsWith("reg:", StringComparison.Ordinal) && objective != "reg:gamma" && objective != "reg:tweedie" => ExplanationSpaces.Value,
            _ => ExplanationSpaces.RawMargin,
        };
        return new TreeEnsemble(trees, featureCount, [.. Enumerable.Repeat(margin, outputs)], transform, names, space);
    }

    private static double MarginOf(string objective, double baseScore) => objective switch
    {
        "binary:logistic" or "reg:logistic" or "binary:logitraw" => -Math.Log((1 / baseScore) - 1),
        "count:poisson" or "reg:gamma" or "reg:tweedie" => Math.Log(baseScore),
        _ => baseScore,
    };

    private static DecisionTree ReadTree(JsonElement tree, int output, int outputs)
    {
        var left = Ints(tree, "left_children");
        var right = Ints(tree, "right_children");
        var features = Ints(tree, "split_indices");
        var conditions = Doubles(tree, "split_conditions");
        var defaultLeft = Ints(tree, "default_left");
        var covers = Doubles(tree, "sum_hessian");
        if (tree.TryGetProperty("split_type", out var types) && types.EnumerateArray().Any(e => e.GetInt32() != 0))
        {
            throw new NotSupportedException("Categorical splits are not supported.");
        }

        var nodes = left.Length;
        var values = new double[nodes * outputs];
        var thresholds = new double[nodes];
        for (var node = 0; node < nodes; node++)
        {
            if (left[node] < 0)
            {
                values[(node * outputs) + output] = conditions[node];
                right[node] = -1;
            }
            else
            {
                thresholds[node] = conditions[node];
            }
        }

        return new DecisionTree(
            left,
            right,
            features,
            thresholds,
            [.. Enumerable.Repeat(SplitRule.LessThan, nodes)],
            [.. defaultLeft.Select(d => d != 0)],
            values,
            outputs,
            covers);
    }

    private static int[] Ints(JsonElement tree, string name) =>
        [.. tree.GetProperty(name).EnumerateArray().Select(e => e.GetInt32())];

    // XGBoost stores these as float32; reading through float keeps the exact value.
    private static double[] Doubles(JsonElement tree, string name) =>
        [.. tree.GetProperty(name).EnumerateArray().Select(e => (double)e.GetSingle())];
}
