namespace Ferry.Core.Serving;

/// <summary>What a model answered for a batch: a friendly per-row view and the raw output tensors.</summary>
/// <param name="Rows">One prediction per input row, in order.</param>
/// <param name="Outputs">The model's raw outputs (Open Inference Protocol answers these).</param>
public sealed record InferenceResult(IReadOnlyList<RowPrediction> Rows, IReadOnlyList<OutputTensor> Outputs);

/// <summary>
/// One row's answer. Classifiers set <see cref="Label"/> and <see cref="Probabilities"/> (by class label as text);
/// regressors and scorers set <see cref="Score"/>. A binary classifier's <see cref="Score"/> is the positive class's
/// probability.
/// </summary>
/// <param name="Label">Predicted class, as text.</param>
/// <param name="Score">Regression value, or the positive-class probability of a binary classifier.</param>
/// <param name="Probabilities">Class probabilities by label.</param>
public sealed record RowPrediction(string? Label, double? Score, IReadOnlyDictionary<string, double>? Probabilities);

/// <summary>A raw output: name, element type (names of <c>ElementTypes</c>), shape (batch first) and row-major data.</summary>
/// <param name="Name">Output name.</param>
/// <param name="ElementType">Element type, e.g. "float32", "int64", "string".</param>
/// <param name="Shape">Shape, batch first.</param>
/// <param name="Data">Row-major values: float[], double[], long[], int[], bool[] or string[].</param>
public sealed record OutputTensor(string Name, string ElementType, IReadOnlyList<int> Shape, Array Data);
