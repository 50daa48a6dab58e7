using Ferry.Explain.Trees;

namespace Ferry.Explain.Readers;

/// <summary>A tree ensemble read from an ML.NET model.</summary>
/// <param name="Ensemble">
/// The model's own Score: bias + Σ tree weight × tree output, no transform. For FastTree binary classification this
/// is the uncalibrated margin (<see cref="ExplanationSpaces.RawMargin"/>); for regression, the prediction
/// (<see cref="ExplanationSpaces.Value"/>). No covers: use <see cref="CoverEstimator"/> with training feature vectors.
/// </param>
/// <param name="CalibratedEnsemble">
/// For a Platt-calibrated binary model, the same trees in the log-odds of the model's Probability column:
/// leaves × (−slope), base −slope·bias − offset, logistic transform (P = 1 / (1 + e^(slope·score + offset))).
/// Explanations of it are in <see cref="ExplanationSpaces.LogOdds"/>. <see langword="null"/> otherwise.
/// </param>
/// <param name="Groups">Slot → source feature, from the feature column's slot names.</param>
/// <param name="FeatureColumnName">The column the trees read (e.g. <c>Features</c>).</param>
/// <param name="PlattSlope">The Platt calibrator's slope, when calibrated.</param>
/// <param name="PlattOffset">The Platt calibrator's offset, when calibrated.</param>
public sealed record MlNetTreeModel(
    TreeEnsemble Ensemble,
    TreeEnsemble? CalibratedEnsemble,
    FeatureGroups Groups,
    string FeatureColumnName,
    double? PlattSlope,
    double? PlattOffset);
