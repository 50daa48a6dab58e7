namespace Ferry.Explain.Trees;

/// <summary>The function applied to an ensemble's raw outputs (margins) to give its final outputs.</summary>
public enum PostTransform
{
    /// <summary>Outputs are the raw sums.</summary>
    None,

    /// <summary>Each output goes through 1 / (1 + e^−x) (binary classifiers: the positive-class probability).</summary>
    Logistic,

    /// <summary>Softmax across outputs (multi-class probabilities).</summary>
    Softmax,

    /// <summary>ONNX SOFTMAX_ZERO: softmax over the non-zero outputs, zeros stay zero.</summary>
    SoftmaxZero,

    /// <summary>
    /// Each output through 1 / (1 + e^−x), then divided by their sum: ONNX LOGISTIC followed by an L1 Normalizer, as
    /// skl2onnx exports a one-vs-rest multi-class LogisticRegression (the raw outputs are each class's log-odds).
    /// </summary>
    LogisticNormalized,
}
