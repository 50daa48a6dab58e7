using Ferry.Core.Contracts;
using Ferry.Explain.Fairness;
using Ferry.Explain.Importance;

namespace Ferry.Server.Explain.ModelCards;

/// <summary>Everything a model card shows; gathered by the server, rendered by <c>ModelCardMarkdown</c>.</summary>
/// <param name="ModelName">Registered model.</param>
/// <param name="Version">Version.</param>
/// <param name="Description">The version's (or else the model's) description.</param>
/// <param name="Flavor">onnx or mlnet.</param>
/// <param name="Stage">Registry stage.</param>
/// <param name="Aliases">Aliases pointing at this version.</param>
/// <param name="CreatedAt">When the version was registered.</param>
/// <param name="Fields">The editable fields.</param>
/// <param name="Lineage">Run, data and source, when known.</param>
/// <param name="Inputs">The signature's inputs.</param>
/// <param name="Outputs">The signature's outputs.</param>
/// <param name="Reference">The monitoring reference, when computed.</param>
/// <param name="Importance">Global importance, when computed.</param>
/// <param name="Fairness">Fairness slices, when computable.</param>
/// <param name="GeneratedAt">When the card was generated.</param>
/// <param name="Explanation">How its predictions are explained (exact method, or KernelSHAP and why), when its model file could be read.</param>
public sealed record ModelCardData(
    string ModelName,
    int Version,
    string? Description,
    string? Flavor,
    string? Stage,
    IReadOnlyList<string> Aliases,
    DateTimeOffset CreatedAt,
    ModelCardFields Fields,
    CardLineage? Lineage,
    IReadOnlyList<CardField> Inputs,
    IReadOnlyList<CardField> Outputs,
    CardReference? Reference,
    CardImportance? Importance,
    CardFairness? Fairness,
    DateTimeOffset GeneratedAt,
    ExplanationPlan? Explanation = null);

/// <summary>Where the version came from.</summary>
/// <param name="Source">The model file's URI.</param>
/// <param name="RunId">The training run.</param>
/// <param name="RunName">Its name.</param>
/// <param name="Experiment">Its experiment's name.</param>
/// <param name="Parameters">The run's parameters.</param>
/// <param name="Metrics">The run's latest metrics.</param>
/// <param name="Datasets">Datasets the run logged as inputs (name and digest), and the <c>dataset</c> tag.</param>
public sealed record CardLineage(
    string? Source,
    string? RunId,
    string? RunName,
    string? Experiment,
    IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyList<string> Datasets);

/// <summary>A signature field.</summary>
/// <param name="Name">Name.</param>
/// <param name="Type">Type as the signature states it (e.g. <c>float32</c>, <c>string</c>), with its shape.</param>
public sealed record CardField(string Name, string Type);

/// <summary>The monitoring reference's summary.</summary>
/// <param name="Rows">Rows profiled.</param>
/// <param name="Source">Where they came from.</param>
/// <param name="CreatedAt">When.</param>
/// <param name="PositiveLabel">The positive class.</param>
/// <param name="Calibrated">Whether CBPE is available.</param>
public sealed record CardReference(long Rows, string Source, DateTimeOffset CreatedAt, string? PositiveLabel, bool Calibrated);

/// <summary>Global importance of the source features.</summary>
/// <param name="Space">The space of the SHAP values (e.g. log-odds).</param>
/// <param name="Method">How they were computed (e.g. tree-path-dependent).</param>
/// <param name="Rows">Reference rows explained.</param>
/// <param name="MeanAbsoluteShap">Mean |SHAP| per feature, most important first.</param>
/// <param name="Permutation">Permutation importance on the labelled reference, when it had labels.</param>
public sealed record CardImportance(string Space, string Method, int Rows, IReadOnlyList<FeatureImportance> MeanAbsoluteShap, PermutationImportanceResult? Permutation);

/// <summary>How the model treats the groups of one attribute.</summary>
/// <param name="Attribute">The feature whose values form the groups.</param>
/// <param name="Rows">Rows compared.</param>
/// <param name="Selection">What "selected" means here, in words (e.g. "predicted default (true)").</param>
/// <param name="Report">Per-group rates and the two differences.</param>
public sealed record CardFairness(string Attribute, int Rows, string Selection, FairnessReport Report);
