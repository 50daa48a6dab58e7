using System.Text.Json.Serialization;
using Ferry.Statistics.Calibration;
using Ferry.Statistics.Drift;
using Ferry.Statistics.Metrics;
using Ferry.Statistics.Profiles;

namespace Ferry.Statistics;

/// <summary>
/// Source-generated System.Text.Json metadata for every type of this library that is stored or returned. Property names
/// are camelCase, enums are strings, and NaN / ±Infinity are written as the strings "NaN", "Infinity", "-Infinity"
/// (an empty column's Min, a skipped drift score, an undefined AUC), so use these options when serialising them.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(ColumnSchema))]
[JsonSerializable(typeof(ProfileSchema))]
[JsonSerializable(typeof(QuantileSketch))]
[JsonSerializable(typeof(ColumnProfile))]
[JsonSerializable(typeof(DatasetProfile))]
[JsonSerializable(typeof(ReferenceProfile))]
[JsonSerializable(typeof(DriftTestOptions))]
[JsonSerializable(typeof(DriftOptions))]
[JsonSerializable(typeof(ColumnDriftResult))]
[JsonSerializable(typeof(DatasetDriftResult))]
[JsonSerializable(typeof(ColumnQuality))]
[JsonSerializable(typeof(IReadOnlyList<ColumnQuality>))]
[JsonSerializable(typeof(KsResult))]
[JsonSerializable(typeof(ChiSquareResult))]
[JsonSerializable(typeof(ZTestResult))]
[JsonSerializable(typeof(ConfusionMatrix))]
[JsonSerializable(typeof(BinaryClassificationMetrics))]
[JsonSerializable(typeof(RegressionMetrics))]
[JsonSerializable(typeof(MulticlassMetrics))]
[JsonSerializable(typeof(CalibrationBin))]
[JsonSerializable(typeof(IReadOnlyList<CalibrationBin>))]
[JsonSerializable(typeof(IsotonicCalibrator))]
[JsonSerializable(typeof(MetricEstimate))]
[JsonSerializable(typeof(CbpeEstimate))]
public sealed partial class StatisticsJsonContext : JsonSerializerContext;
