using Ferry.Explain.Trees;

namespace Ferry.Explain.Readers;

/// <summary>A tree ensemble read from an ONNX model, with its features traced back to the model's inputs.</summary>
/// <param name="Ensemble">The ensemble over the tree node's input vector (no covers: ONNX stores none).</param>
/// <param name="Groups">Slot → source feature; anonymous (<c>{tensor}_{i}</c>) when tracing failed.</param>
/// <param name="Featurizer">Computes the tree input vector from named inputs; <see langword="null"/> when tracing failed.</param>
/// <param name="TracingProblem">Why tracing failed, or <see langword="null"/>.</param>
/// <param name="ClassLabels">The classifier's labels (empty for a regressor); for a binary model the positive class is the second.</param>
public sealed record OnnxTreeModel(
    TreeEnsemble Ensemble,
    FeatureGroups Groups,
    OnnxFeaturizer? Featurizer,
    string? TracingProblem,
    IReadOnlyList<string> ClassLabels);
