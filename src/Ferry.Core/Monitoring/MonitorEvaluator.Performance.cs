using System.Globalization;
using Ferry.Statistics.Calibration;
using Ferry.Statistics.Metrics;

namespace Ferry.Core.Monitoring;

public static partial class MonitorEvaluator
{
    /// <summary>Metric names a performance check accepts.</summary>
    public static IReadOnlyList<string> MetricNames { get; } = ["accuracy", "precision", "recall", "f1", "roc_auc", "log_loss", "brier", "mae", "rmse", "r2"];

    private static (RealizedPerformance? Realized, CbpeEstimate? Estimated) Performance(PerformanceCheckSpec spec, PerformanceInput input, List<CheckResult> checks)
    {
        var labelled = input.Rows.Where(r => input.IsRegression ? r.ActualValue is not null && r.Score is not null : r.ActualLabel is not null && r.Score is not null).ToList();
        RealizedPerformance? realized = null;
        if (labelled.Count > 0)
        {
            realized = input.IsRegression ? Regression(spec, labelled) : Classification(spec, labelled, input.PositiveLabel);
            var value = MetricOf(realized, spec.Metric);
            if (labelled.Count >= spec.MinLabelledRows && value is { } v)
            {
                AddLimitCheck(checks, $"performance:{spec.Metric}", "performance", spec, v, $"{spec.Metric} on {labelled.Count} labelled rows");
            }
        }

        CbpeEstimate? estimated = null;
        if (spec.Estimate && !input.IsRegression && input.Calibrator is { } calibrator)
        {
            var scores = input.Rows.Where(r => r.Score is not null).Select(r => r.Score!.Value).ToArray();
            if (scores.Length >= spec.MinLabelledRows)
            {
                estimated = Cbpe.Estimate(calibrator, scores, spec.DecisionThreshold);
                if (EstimateOf(estimated, spec.Metric) is { } e)
                {
                    AddLimitCheck(checks, $"estimated:{spec.Metric}", "estimated", spec, e.Value,
                        string.Create(CultureInfo.InvariantCulture, $"estimated {spec.Metric} (CBPE) on {scores.Length} rows, band {Format(e.Lower)}–{Format(e.Upper)}"));
                }
            }
        }

        return (realized, estimated);
    }

    private static RealizedPerformance Classification(PerformanceCheckSpec spec, List<ScoredRow> rows, string? positive)
    {
        var actual = rows.Select(r => string.Equals(r.ActualLabel, positive, StringComparison.Ordinal)).ToArray();
        var scores = rows.Select(r => r.Score!.Value).ToArray();
        var metrics = BinaryClassificationMetrics.Compute(actual, scores, spec.DecisionThreshold);
        var calibration = CalibrationCurve.Compute(actual, scores);
        List<SliceMetric>? slices = null;
        if (spec.SliceBy is { } feature)
        {
            slices = [.. rows.Select((r, i) => (r, i)).GroupBy(x => x.r.Slice ?? "(missing)", StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g =>
                {
                    var index = g.Select(x => x.i).ToArray();
                    var slice = BinaryClassificationMetrics.Compute(index.Select(i => actual[i]).ToArray(), index.Select(i => scores[i]).ToArray(), spec.DecisionThreshold);
                    return new SliceMetric(feature, g.Key, index.Length, spec.Metric, MetricOf(slice, spec.Metric) ?? double.NaN);
                })];
        }

        return new RealizedPerformance(rows.Count, metrics, null, calibration, slices);
    }

    private static RealizedPerformance Regression(PerformanceCheckSpec spec, List<ScoredRow> rows)
    {
        var actual = rows.Select(r => r.ActualValue!.Value).ToArray();
        var predicted = rows.Select(r => r.Score!.Value).ToArray();
        var metrics = RegressionMetrics.Compute(actual, predicted);
        List<SliceMetric>? slices = null;
        if (spec.SliceBy is { } feature)
        {
            slices = [.. rows.Select((r, i) => (r, i)).GroupBy(x => x.r.Slice ?? "(missing)", StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g =>
                {
                    var index = g.Select(x => x.i).ToArray();
                    var slice = RegressionMetrics.Compute(index.Select(i => actual[i]).ToArray(), index.Select(i => predicted[i]).ToArray());
                    return new SliceMetric(feature, g.Key, index.Length, spec.Metric, MetricOf(slice, spec.Metric) ?? double.NaN);
                })];
        }

        return new RealizedPerformance(rows.Count, null, metrics, null, slices);
    }

    /// <summary>A metric (a <see cref="MetricNames"/> name) of realized performance, or null when it does not apply.</summary>
    public static double? MetricOf(RealizedPerformance realized, string metric) =>
        realized.Classification is { } c ? MetricOf(c, metric) : realized.Regression is { } r ? MetricOf(r, metric) : null;

    private static double? MetricOf(BinaryClassificationMetrics m, string metric) => metric switch
    {
        "accuracy" => m.Accuracy,
        "precision" => m.Precision,
        "recall" => m.Recall,
        "f1" => m.F1,
        "roc_auc" => m.RocAuc,
        "log_loss" => m.LogLoss,
        "brier" => m.Brier,
        _ => null,
    };

    private static double? MetricOf(RegressionMetrics m, string metric) => metric switch
    {
        "mae" => m.MeanAbsoluteError,
        "rmse" => m.RootMeanSquaredError,
        "r2" => m.RSquared,
        _ => null,
    };

    /// <summary>CBPE's estimate of a metric, or null for metrics it does not estimate.</summary>
    public static MetricEstimate? EstimateOf(CbpeEstimate e, string metric) => metric switch
    {
        "accuracy" => e.Accuracy,
        "precision" => e.Precision,
        "recall" => e.Recall,
        "f1" => e.F1,
        "roc_auc" => e.RocAuc,
        _ => null,
    };

    private static void AddLimitCheck(List<CheckResult> checks, string key, string kind, PerformanceCheckSpec spec, double value, string what)
    {
        if (spec.Min is { } min)
        {
            var passed = value >= min;
            checks.Add(new CheckResult(key, kind, passed, value, min, $"{what}: {Format(value)} {(passed ? "≥" : "<")} the minimum {Format(min)}"));
        }
        else if (spec.Max is { } max)
        {
            var passed = value <= max;
            checks.Add(new CheckResult(key, kind, passed, value, max, $"{what}: {Format(value)} {(passed ? "≤" : ">")} the maximum {Format(max)}"));
        }
    }
}
