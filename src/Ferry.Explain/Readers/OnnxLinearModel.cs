using Ferry.Explain.Linear;

namespace Ferry.Explain.Readers;

/// <summary>A linear model read from an ONNX model, with its features traced back to the model's inputs.</summary>
/// <param name="Model">The model over the linear node's input vector.</param>
/// <param name="Groups">Slot → source feature; anonymous when tracing failed.</param>
/// <param name="Featurizer">Computes the node's input vector from named inputs; <see langword="null"/> when tracing failed.</param>
/// <param name="TracingProblem">Why tracing failed, or <see langword="null"/>.</param>
/// <param name="ClassLabels">The classifier's labels (empty for a regressor).</param>
public sealed record OnnxLinearModel(
    LinearModel Model,
    FeatureGroups Groups,
    OnnxFeaturizer? Featurizer,
    string? TracingProblem,
    IReadOnlyList<string> ClassLabels);
