using System.Globalization;
using Ferry.Core.Governance;
using Ferry.Statistics.Metrics;

namespace Ferry.Server.Governance.Gates;

/// <summary>
/// The metrics the gates compute on the evaluation rows (scikit-learn 1.2's definitions), their 95 % intervals (DeLong
/// for AUC, the seeded percentile bootstrap otherwise) and the evidence table they fill.
/// </summary>
public static class GateMetrics
{
    /// <summary>Scores at or above this are a positive decision ("selected") for accuracy and fairness, as monitors' default decision threshold.</summary>
    public const double DecisionThreshold = 0.5;

    /// <summary>ROC AUC.</summary>
    public const string Auc = "auc";

    /// <summary>Log loss.</summary>
    public const string LogLoss = "log_loss";

    /// <summary>Brier score.</summary>
    public const string Brier = "brier";

    /// <summary>Accuracy at <see cref="DecisionThreshold"/> (binary) or of the arg-max class (multiclass).</summary>
    public const string Accuracy = "accuracy";

    /// <summary>Root mean squared error.</summary>
    public const string Rmse = "rmse";

    /// <summary>Mean absolute error.</summary>
    public const string Mae = "mae";

    private const double Epsilon = 2.220446049250313e-16;

    /// <summary>The metrics of a kind of model, in table order.</summary>
    public static IReadOnlyList<string> Of(EvaluationTask task) => task switch
    {
        EvaluationTask.Binary => [Auc, LogLoss, Brier, Accuracy],
        EvaluationTask.Regression => [Rmse, Mae],
        _ => [Accuracy, LogLoss],
    };

    /// <summary>The metric the champion gate always compares: AUC, RMSE, or log loss for multiclass.</summary>
    public static string Primary(EvaluationTask task) => task switch
    {
        EvaluationTask.Binary => Auc,
        EvaluationTask.Regression => Rmse,
        _ => LogLoss,
    };

    /// <summary>True for metrics where more is better.</summary>
    public static bool HigherIsBetter(string metric) => metric is Auc or Accuracy;

    /// <summary>The thresholds the settings set, as (metric, threshold).</summary>
    public static IReadOnlyList<(string Metric, double Threshold)> Thresholds(GateSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var list = new List<(string, double)>();
        void Add(string metric, double? threshold)
        {
            if (threshold is { } t)
            {
                list.Add((metric, t));
            }
        }

        Add(Auc, settings.MinAuc);
        Add(LogLoss, settings.MaxLogLoss);
        Add(Brier, settings.MaxBrier);
        Add(Accuracy, settings.MinAccuracy);
        Add(Rmse, settings.MaxRmse);
        Add(Mae, settings.MaxMae);
        return list;
    }

    /// <summary>The metric of one version on all rows.</summary>
    public static double Value(ScoredEvaluation evaluation, VersionScores scores, string metric)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        ArgumentNullException.ThrowIfNull(scores);
        if (metric == Auc)
        {
            var auc = BinaryClassificationMetrics.Compute(evaluation.Actual, scores.Scores, DecisionThreshold).RocAuc;
            return auc;
        }

        return Transform(metric)(Terms(evaluation, scores, metric).Average());
    }

    /// <summary>Per-row terms whose mean (then <see cref="Transform"/>) is the metric; not for AUC.</summary>
    public static double[] Terms(ScoredEvaluation evaluation, VersionScores scores, string metric)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        ArgumentNullException.ThrowIfNull(scores);
        return (evaluation.Task, metric) switch
        {
            (EvaluationTask.Binary, LogLoss) => RowTerms.LogLoss(evaluation.Actual, scores.Scores),
            (EvaluationTask.Binary, Brier) => RowTerms.Brier(evaluation.Actual, scores.Scores),
            (EvaluationTask.Binary, Accuracy) => RowTerms.Accuracy(evaluation.Actual, scores.Scores, DecisionThreshold),
            (EvaluationTask.Regression, Rmse) => RowTerms.SquaredError(evaluation.ActualValues, scores.Scores),
            (EvaluationTask.Regression, Mae) => RowTerms.AbsoluteError(evaluation.ActualValues, scores.Scores),
            (EvaluationTask.Multiclass, LogLoss) => [.. scores.Scores.Select(p => -Math.Log(Math.Clamp(p, Epsilon, 1 - Epsilon)))],
            (EvaluationTask.Multiclass, Accuracy) => [.. scores.Labels.Select((l, i) => string.Equals(l, evaluation.ActualLabels[i], StringComparison.OrdinalIgnoreCase) ? 1.0 : 0.0)],
            _ => throw new ArgumentException($"'{metric}' is not a metric of a {evaluation.Task} model.", nameof(metric)),
        };
    }

    /// <summary>Metric = transform(mean of terms): the square root for RMSE, else the mean itself.</summary>
    public static Func<double, double> Transform(string metric) => metric == Rmse ? Math.Sqrt : v => v;

    /// <summary>The candidate's value with its 95 % interval (and the champion's value beside it, when there is one).</summary>
    public static MetricComparison Row(ScoredEvaluation evaluation, string metric)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        var candidate = evaluation.Candidate!;
        double value, low, high;
        if (metric == Auc)
        {
            var estimate = DeLong.Estimate(evaluation.Actual, candidate.Scores);
            (value, (low, high)) = (estimate.Auc, estimate.Interval());
        }
        else
        {
            var terms = Terms(evaluation, candidate, metric);
            value = Transform(metric)(terms.Average());
            (low, high) = PairedBootstrap.Interval(terms, Transform(metric));
        }

        double? champion = evaluation.Champion is { } c ? Value(evaluation, c, metric) : null;
        double? difference = champion is { } h ? (HigherIsBetter(metric) ? value - h : h - value) : null;
        return new MetricComparison(metric, value, low, high, champion, difference, null, null);
    }

    /// <summary>Puts <paramref name="row"/> in the evidence's metric table, replacing the metric's earlier row.</summary>
    public static void Set(GateEvidence evidence, MetricComparison row)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(row);
        var index = evidence.Metrics.FindIndex(m => m.Metric == row.Metric);
        if (index >= 0)
        {
            evidence.Metrics[index] = row;
        }
        else
        {
            evidence.Metrics.Add(row);
        }
    }

    /// <summary>Records where the rows came from, the ROC curves (binary) and the metric table, once per evidence.</summary>
    public static void Describe(GateEvidence evidence, ScoredEvaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(evaluation);
        evidence.EvaluationData = evaluation.Source;
        evidence.EvaluationRows = evaluation.Rows;
        if (evaluation.Reason is not null || evaluation.Candidate is null)
        {
            return;
        }

        foreach (var metric in Of(evaluation.Task))
        {
            if (!evidence.Metrics.Exists(m => m.Metric == metric) && Computable(evaluation, metric))
            {
                Set(evidence, Row(evaluation, metric));
            }
        }

        if (evaluation.Task == EvaluationTask.Binary && evidence.RocCurves.Count == 0 && Computable(evaluation, Auc))
        {
            foreach (var scores in new[] { evaluation.Candidate, evaluation.Champion })
            {
                if (scores is not null)
                {
                    var curve = RocPoints.Compute(evaluation.Actual, scores.Scores);
                    evidence.RocCurves.Add(new RocCurve(scores.Version, curve.FalsePositiveRates, curve.TruePositiveRates));
                }
            }
        }
    }

    /// <summary>False for AUC when the rows hold a single class.</summary>
    public static bool Computable(ScoredEvaluation evaluation, string metric)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        return metric != Auc || (evaluation.Actual.Contains(true) && evaluation.Actual.Contains(false));
    }

    /// <summary>A number for people (4 significant decimals).</summary>
    public static string Show(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
