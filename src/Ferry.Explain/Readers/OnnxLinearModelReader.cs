using System.Globalization;
using Ferry.Explain.Linear;
using Ferry.Explain.Readers.Onnx;
using Ferry.Explain.Trees;
using Onnx;

namespace Ferry.Explain.Readers;

/// <summary>
/// Reads the ai.onnx.ml LinearClassifier or LinearRegressor node of an ONNX model into a <see cref="LinearModel"/>.
/// Binary classifiers map to one margin output whose logistic is the second label's probability: one coefficient
/// row is that margin; two rows with LOGISTIC (or NONE) use row 1 (skl2onnx writes −w, w); two rows with SOFTMAX use
/// row 1 − row 0 with a logistic transform. Multi-class models keep one output per class. An L1 Normalizer on the
/// scores (skl2onnx adds one after every LogisticRegression) is a post-transform: a no-op after SOFTMAX or a binary
/// (−w, w) LOGISTIC; after a multi-class LOGISTIC (one-vs-rest) it makes <see cref="PostTransform.LogisticNormalized"/>,
/// and the explained outputs stay each class's log-odds. Any other Normalizer there is not supported.
/// </summary>
public static class OnnxLinearModelReader
{
    /// <summary>Reads the model at <paramref name="path"/>.</summary>
    public static OnnxLinearModel ReadFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream);
    }

    /// <summary>Reads a model from <paramref name="stream"/>.</summary>
    public static OnnxLinearModel Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var model = OnnxModels.Parse(stream);
        var node = OnnxModels.FindNode(model, "LinearClassifier", "LinearRegressor");
        var a = new OnnxAttributes(node);
        var coefficients = a.Floats("coefficients");
        var intercepts = a.Floats("intercepts");
        var classifier = node.OpType == "LinearClassifier";
        var rows = classifier ? Math.Max(intercepts.Length, 1) : (int)a.Int("targets", 1);
        if (coefficients.Length == 0 || coefficients.Length % rows != 0)
        {
            throw new NotSupportedException($"{coefficients.Length} coefficients do not split into {rows} rows.");
        }

        var features = coefficients.Length / rows;
        var weights = Enumerable.Range(0, rows).Select(r => coefficients.AsSpan(r * features, features).ToArray()).ToArray();
        var bias = Enumerable.Range(0, rows).Select(r => r < intercepts.Length ? intercepts[r] : 0).ToArray();
        var labels = classifier ? Labels(a) : [];
        var transform = a.String("post_transform", "NONE");
        var normalized = classifier && ScoresNormalized(model, node, transform, weights, bias);
        var linear = classifier && labels.Length == 2 ? Binary(weights, bias, transform) : General(weights, bias, transform, classifier);
        if (normalized && linear.PostTransform == PostTransform.Logistic && linear.OutputCount > 1)
        {
            linear = new LinearModel(linear.Coefficients, linear.Intercepts, PostTransform.LogisticNormalized, ExplanationSpaces.LogOdds);
        }

        var (groups, featurizer, problem) = OnnxModels.Trace(model, node.Input[0], features);
        if (groups.SlotCount != features)
        {
            throw new NotSupportedException($"The linear node reads {features} features but its input traces to {groups.SlotCount}.");
        }

        return new OnnxLinearModel(linear, groups, featurizer, problem, labels);
    }

    /// <summary>
    /// Whether the classifier's scores go through an L1 Normalizer (skl2onnx's "probabilities sum to 1" step), and
    /// that it is a post-transform Ferry represents; a Normalizer it cannot represent stops the read, naming it.
    /// </summary>
    private static bool ScoresNormalized(ModelProto model, NodeProto node, string transform, double[][] weights, double[] bias)
    {
        if (node.Output.Count < 2 || model.Graph.Node.FirstOrDefault(n => n.OpType == "Normalizer" && n.Input.Count > 0 && n.Input[0] == node.Output[1]) is not { } normalizer)
        {
            return false;
        }

        var norm = new OnnxAttributes(normalizer).String("norm", "MAX");
        var symmetricBinary = weights.Length == 2 && bias[0] == -bias[1] && weights[0].Zip(weights[1]).All(p => p.First == -p.Second);
        var supported = norm == "L1" && transform switch
        {
            "SOFTMAX" or "SOFTMAX_ZERO" => true,
            "LOGISTIC" => weights.Length > 2 || symmetricBinary,
            _ => false,
        };
        return supported
            ? true
            : throw new NotSupportedException(
                $"The {norm} Normalizer '{normalizer.Name}' after the {transform} scores of '{node.Name}' is not a post-transform Ferry can represent.");
    }

    private static string[] Labels(OnnxAttributes a)
    {
        var strings = a.Strings("classlabels_strings");
        return strings.Length > 0 ? strings : [.. a.Ints("classlabels_ints").Select(l => l.ToString(CultureInfo.InvariantCulture))];
    }

    private static LinearModel Binary(double[][] w, double[] b, string transform)
    {
        if (w.Length == 1)
        {
            return new LinearModel([w[0]], [b[0]], transform == "LOGISTIC" ? PostTransform.Logistic : PostTransform.None,
                transform == "LOGISTIC" ? ExplanationSpaces.LogOdds : ExplanationSpaces.RawMargin);
        }

        return transform switch
        {
            "LOGISTIC" => new LinearModel([w[1]], [b[1]], PostTransform.Logistic),
            "NONE" => new LinearModel([w[1]], [b[1]], PostTransform.None, ExplanationSpaces.RawMargin),
            "SOFTMAX" or "SOFTMAX_ZERO" => new LinearModel([w[1].Zip(w[0], (one, zero) => one - zero).ToArray()], [b[1] - b[0]], PostTransform.Logistic),
            _ => throw new NotSupportedException($"post_transform {transform} is not supported."),
        };
    }

    private static LinearModel General(double[][] w, double[] b, string transform, bool classifier)
    {
        var post = transform switch
        {
            "NONE" => PostTransform.None,
            "LOGISTIC" => PostTransform.Logistic,
            "SOFTMAX" => PostTransform.Softmax,
            "SOFTMAX_ZERO" => PostTransform.SoftmaxZero,
            _ => throw new NotSupportedException($"post_transform {transform} is not supported."),
        };
        return new LinearModel(w, b, post, classifier && post == PostTransform.None ? ExplanationSpaces.RawMargin : null);
    }
}
