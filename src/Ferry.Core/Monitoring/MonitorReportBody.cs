using System.Text.Json.Serialization;
using Ferry.Statistics.Calibration;
using Ferry.Statistics.Drift;
using Ferry.Statistics.Metrics;

namespace Ferry.Core.Monitoring;

/// <summary>What one monitor run found: the data, the checks and their verdicts. Stored as JSON with the report.</summary>
/// <param name="ModelName">The model judged.</param>
/// <param name="ModelVersion">The version judged.</param>
/// <param name="Rows">Served rows in the window (from profiles).</param>
/// <param name="Drift">Per-feature and prediction drift, when checked.</param>
/// <param name="Histograms">Reference vs current distribution per column, for charts.</param>
/// <param name="Quality">Data quality per feature, when checked.</param>
/// <param name="Performance">Realized performance, when labels arrived.</param>
/// <param name="Estimated">CBPE's estimate, for binary classifiers with a calibrated reference.</param>
/// <param name="Checks">Every check and its verdict.</param>
public sealed record MonitorReportBody(
    string ModelName,
    int ModelVersion,
    long Rows,
    DriftSection? Drift,
    IReadOnlyList<ColumnHistogram> Histograms,
    IReadOnlyList<ColumnQuality>? Quality,
    RealizedPerformance? Performance,
    CbpeEstimate? Estimated,
    IReadOnlyList<CheckResult> Checks);

/// <summary>Drift of the features (dataset verdict included) and of the prediction.</summary>
/// <param name="Features">Feature columns and the dataset verdict.</param>
/// <param name="Prediction">The model's output, when checked.</param>
/// <param name="ExactRows">Logged rows the exact statistics were computed from; null when none were.</param>
/// <param name="Note">Why the statistics are approximate (e.g. the window is above the exact-row limit), when they are.</param>
public sealed record DriftSection(
    DatasetDriftResult Features,
    ColumnDriftResult? Prediction,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? ExactRows = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Note = null)
{
    /// <summary><c>exact</c> when every tested column was computed from the raw values, <c>approximate</c> when none
    /// was (from profiles), <c>mixed</c> otherwise; each column says which in its own <c>exact</c> field.</summary>
    public string Statistics
    {
        get
        {
            var tested = Features.Columns.Append(Prediction).Where(c => c is { Skipped: false }).ToList();
            return tested.All(c => c!.Exact) ? "exact" : tested.Any(c => c!.Exact) ? "mixed" : "approximate";
        }
    }
}

/// <summary>One column's distribution in the reference and in the window, as shares of rows per bin or category.</summary>
/// <param name="Column">Column name.</param>
/// <param name="Kind">numeric or categorical.</param>
/// <param name="Bins">Bin labels (e.g. <c>≤ 25</c>, <c>25 – 31</c>) or categories.</param>
/// <param name="Reference">Reference share per bin (0–1).</param>
/// <param name="Current">Window share per bin (0–1).</param>
public sealed record ColumnHistogram(string Column, string Kind, IReadOnlyList<string> Bins, IReadOnlyList<double> Reference, IReadOnlyList<double> Current);

/// <summary>A check's verdict.</summary>
/// <param name="Key">Stable key (alerts are per key), e.g. <c>drift:income</c>, <c>quality:missing:age</c>.</param>
/// <param name="Kind">drift, quality, performance or estimated.</param>
/// <param name="Passed">Whether it passed.</param>
/// <param name="Value">The measured value.</param>
/// <param name="Threshold">The limit it was held to.</param>
/// <param name="Message">What it found, in words.</param>
public sealed record CheckResult(string Key, string Kind, bool Passed, double Value, double Threshold, string Message);

/// <summary>Realized performance of the labelled rows of the window.</summary>
/// <param name="LabelledRows">Rows with ground truth.</param>
/// <param name="Classification">Binary classification metrics.</param>
/// <param name="Regression">Regression metrics.</param>
/// <param name="Calibration">Calibration curve (binary classifiers).</param>
/// <param name="Slices">The chosen metric per value of the slicing feature.</param>
public sealed record RealizedPerformance(
    long LabelledRows,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] BinaryClassificationMetrics? Classification,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RegressionMetrics? Regression,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<CalibrationBin>? Calibration,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<SliceMetric>? Slices);

/// <summary>A metric on the rows of one slice.</summary>
/// <param name="Feature">The slicing feature.</param>
/// <param name="Value">Its value (a category, or a numeric bin's label).</param>
/// <param name="Rows">Labelled rows in the slice.</param>
/// <param name="Metric">The metric's name.</param>
/// <param name="MetricValue">The metric on the slice.</param>
public sealed record SliceMetric(string Feature, string Value, long Rows, string Metric, double MetricValue);
