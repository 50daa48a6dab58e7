namespace Ferry.Explain.Trees;

/// <summary>
/// The comparison at a split node: when <c>x RULE threshold</c> holds the row goes to the left (true) child.
/// ONNX's BRANCH_* modes map one to one; XGBoost uses <see cref="LessThan"/>, ML.NET FastTree and scikit-learn
/// <see cref="LessOrEqual"/>. A missing (NaN) value follows <see cref="DecisionTree.MissingGoesLeft"/> instead.
/// </summary>
public enum SplitRule : byte
{
    /// <summary><c>x &lt; t</c> goes left (ONNX BRANCH_LT, XGBoost).</summary>
    LessThan,

    /// <summary><c>x ≤ t</c> goes left (ONNX BRANCH_LEQ, FastTree, scikit-learn).</summary>
    LessOrEqual,

    /// <summary><c>x &gt; t</c> goes left (ONNX BRANCH_GT).</summary>
    GreaterThan,

    /// <summary><c>x ≥ t</c> goes left (ONNX BRANCH_GTE).</summary>
    GreaterOrEqual,

    /// <summary><c>x = t</c> goes left (ONNX BRANCH_EQ).</summary>
    Equal,

    /// <summary><c>x ≠ t</c> goes left (ONNX BRANCH_NEQ).</summary>
    NotEqual,
}
