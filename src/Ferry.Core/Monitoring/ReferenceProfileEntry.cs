namespace Ferry.Core.Monitoring;

/// <summary>
/// A model version's reference profile, computed once from its training data (or an uploaded sample of it) and reused
/// by every drift report. The profile and the score calibrator are stored as JSON (Ferry.Statistics types).
/// Times are epoch ms.
/// </summary>
public sealed class ReferenceProfileEntry
{
    /// <summary>The registered model.</summary>
    public required string ModelName { get; set; }

    /// <summary>The version it describes.</summary>
    public int ModelVersion { get; set; }

    /// <summary>Rows the profile was computed from.</summary>
    public long Rows { get; set; }

    /// <summary>Where the rows came from (e.g. <c>upload:train.csv</c>).</summary>
    public required string Source { get; set; }

    /// <summary>The <c>ReferenceProfile</c> (features and the model's outputs on them), as JSON.</summary>
    public required string ProfileJson { get; set; }

    /// <summary>The label column of the reference data, when it had one.</summary>
    public string? LabelColumn { get; set; }

    /// <summary>The class treated as positive (binary classifiers), when labels were given.</summary>
    public string? PositiveLabel { get; set; }

    /// <summary>An isotonic calibrator of the positive-class score fitted on the reference labels (CBPE), as JSON.</summary>
    public string? CalibratorJson { get; set; }

    /// <summary>
    /// A sample of the reference rows as JSON (<c>{"records": [...], "labels": [...]}</c>, at most
    /// <c>ReferenceSample.MaxRows</c>): the background of explanations, the rows tree covers are counted on, and the
    /// labelled holdout of permutation importance and fairness.
    /// </summary>
    public string? SampleJson { get; set; }

    /// <summary>
    /// Node covers of the version's tree ensemble counted over every reference row (<c>{"rows": n, "trees": [[...], ...]}</c>),
    /// used by path-dependent TreeSHAP; null for models without trees and for references made before covers were stored.
    /// </summary>
    public string? CoversJson { get; set; }

    /// <summary>Global importance computed from the sample (mean |SHAP| and permutation importance), as JSON.</summary>
    public string? InsightsJson { get; set; }

    /// <summary>Who computed it.</summary>
    public string CreatedBy { get; set; } = string.Empty;

    /// <summary>When, epoch ms.</summary>
    public long CreatedAt { get; set; }
}
