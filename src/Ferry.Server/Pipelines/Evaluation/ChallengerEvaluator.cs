using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Core.Errors;
using Ferry.Core.Pipelines;
using Ferry.Core.Registry;
using Ferry.Core.Serving;
using Ferry.Server.Dashboard;
using Ferry.Server.Explain;
using Ferry.Server.Governance.Gates;
using Ferry.Server.Monitoring;
using Ferry.Server.Serving;
using Ferry.Statistics.Drift;
using Ferry.Statistics.Metrics;

namespace Ferry.Server.Pipelines.Evaluation;

/// <summary>What to compare: two versions on labelled logged rows.</summary>
/// <param name="EndpointName">The endpoint whose log the rows come from.</param>
/// <param name="ModelName">The challenger's registered model.</param>
/// <param name="ChampionModel">The champion's registered model (usually the same).</param>
/// <param name="ChampionVersion">The champion.</param>
/// <param name="ChallengerVersion">The challenger.</param>
/// <param name="From">The window's start, epoch ms.</param>
/// <param name="To">Its end, epoch ms.</param>
/// <param name="Rows">The labelled rows.</param>
/// <param name="Plan">Metric, margin, bootstrap, seed, fairness attribute.</param>
public sealed record EvaluationInput(
    string EndpointName, string ModelName, string ChampionModel, int ChampionVersion, int ChallengerVersion, long From, long To, IReadOnlyList<WindowRow> Rows, EvaluationPlan Plan);

/// <summary>Both versions' answers on the same rows, and what the rows' truth is.</summary>
internal sealed record PairedScores(
    EvaluationTask Task, string? PositiveLabel, double Threshold, bool[] Actual, double[] ActualValues, double[] Champion, double[] Challenger, FeatureBatch Batch);

/// <summary>
/// Compares a challenger with the champion on the same labelled rows (the backtest, the manual evaluation route, and the
/// shadow's labelled requests): both are scored in-process through the model cache serving uses; every metric of the
/// task gets both values, a seeded paired bootstrap interval of challenger − champion (oriented so that higher is
/// better) and a paired test (DeLong for ROC AUC, McNemar for accuracy, the bootstrap's p-value otherwise); ROC and
/// calibration curves of both; per-group positive-decision rate, TPR and FPR of both on the fairness attribute; and
/// the drift between their score distributions (Jensen–Shannon distance over 20 equal-width bins, two-sample KS).
/// The verdict is decided by the plan's metric: see <see cref="Decide"/>.
/// </summary>
public sealed class ChallengerEvaluator(IRegistryStore registry, ModelCache models, CardFieldsReader cards, TimeProvider clock)
{
    /// <summary>Fewer labelled rows than this make the evaluation inconclusive.</summary>
    public const int MinRows = 30;

    /// <summary>Bins of the score histograms the Jensen–Shannon distance compares.</summary>
    public const int DriftBins = 20;

    /// <summary>Scores both versions on <paramref name="input"/>'s rows and fills an evaluation (not stored).</summary>
    /// <exception cref="ValidationException">A version is not servable, or the rows do not fit its inputs.</exception>
    public async Task<ChallengerEvaluation> EvaluateAsync(EvaluationInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var plan = input.Plan;
        var evaluation = new ChallengerEvaluation
        {
            Id = Guid.CreateVersion7(),
            EndpointName = input.EndpointName,
            ModelName = input.ModelName,
            ChampionVersion = input.ChampionVersion,
            ChallengerVersion = input.ChallengerVersion,
            WindowFrom = input.From,
            WindowTo = input.To,
            Rows = input.Rows.Count,
            Metric = plan.Metric,
            CreatedAt = clock.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        if (input.Rows.Count == 0)
        {
            return Inconclusive(evaluation, "The window holds no labelled rows.");
        }

        var card = await cards.FieldsAsync(input.ModelName, input.ChallengerVersion, cancellationToken);
        var threshold = card.DecisionThreshold ?? GateMetrics.DecisionThreshold;
        var scores = await ScoreAsync(input, threshold, cancellationToken);
        var attribute = plan.FairnessAttribute ?? card.FairnessAttribute;
        Fill(evaluation, scores, plan, attribute);
        return evaluation;
    }

    /// <summary>Fills metrics, curves, fairness, drift and the verdict from both versions' scores.</summary>
    internal static void Fill(ChallengerEvaluation evaluation, PairedScores scores, EvaluationPlan plan, string? attribute)
    {
        var metrics = scores.Task == EvaluationTask.Binary ? EvaluationMetrics.Binary : EvaluationMetrics.Regression;
        if (!metrics.Contains(plan.Metric))
        {
            throw new ValidationException("evaluation.metric", $"'{plan.Metric}' is not a metric of a {(scores.Task == EvaluationTask.Binary ? "binary classifier" : "regressor")}; use one of {string.Join(", ", metrics)}.");
        }

        var rows = scores.Actual.Length + scores.ActualValues.Length;
        evaluation.Rows = rows;
        var single = scores.Task == EvaluationTask.Binary && (!scores.Actual.Contains(true) || !scores.Actual.Contains(false));
        evaluation.MetricsJson = Compare(scores, plan, metrics, out var decisive).ToJsonString();
        evaluation.CurvesJson = Curves(scores).ToJsonString();
        evaluation.FairnessJson = Fairness(scores, attribute).ToJsonString();
        evaluation.DriftJson = Drift(scores.Champion, scores.Challenger).ToJsonString();
        if (rows < MinRows || single)
        {
            Inconclusive(evaluation, rows < MinRows
                ? $"Only {rows} labelled rows (at least {MinRows} are needed to decide)."
                : $"All {rows} labelled rows are of one class, so {plan.Metric} cannot tell the two apart.");
            return;
        }

        var (result, test) = decisive!.Value;
        evaluation.ChampionValue = result.Champion;
        evaluation.ChallengerValue = result.Challenger;
        evaluation.DifferenceLow = result.Low;
        evaluation.DifferenceHigh = result.High;
        evaluation.PairedTest = test.Name;
        evaluation.PValue = test.PValue;
        (evaluation.Verdict, evaluation.Summary) = Decide(plan, result, test, rows);
    }

    /// <summary>
    /// The verdict from the plan's metric's interval of challenger − champion (oriented so that higher is better):
    /// <c>better</c> when its lower bound is above 0; <c>not_worse</c> when its lower bound is at or above −Margin;
    /// <c>worse</c> otherwise (the challenger could not show it is within the margin: a non-inferiority test at the
    /// interval's level).
    /// </summary>
    public static (string Verdict, string Summary) Decide(EvaluationPlan plan, DifferenceInterval interval, (string Name, double PValue) test, int rows)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(interval);
        var verdict = interval.Low > 0 ? EvaluationVerdicts.Better
            : interval.Low >= -plan.Margin ? EvaluationVerdicts.NotWorse
            : EvaluationVerdicts.Worse;
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"{plan.Metric}: challenger {interval.Challenger:0.####}, champion {interval.Champion:0.####} on the same {rows} rows; "
            + $"challenger − champion (higher is better) {interval.Difference:0.####}, {plan.Confidence:P0} interval [{interval.Low:0.####}, {interval.High:0.####}] "
            + $"({interval.Resamples} paired resamples, seed {plan.Seed}); {test.Name} p = {test.PValue:0.####}. ");
        summary += verdict switch
        {
            EvaluationVerdicts.Better => "Better: the whole interval lies above 0.",
            EvaluationVerdicts.NotWorse => string.Create(CultureInfo.InvariantCulture, $"Not worse: the interval's lower bound is within the margin {plan.Margin:0.####}."),
            _ => string.Create(CultureInfo.InvariantCulture, $"Worse: the interval's lower bound is below −{plan.Margin:0.####}."),
        };
        return (verdict, summary);
    }

    /// <summary>The paired interval and test of one metric.</summary>
    internal static (DifferenceInterval Interval, (string Name, double PValue) Test) CompareOne(PairedScores scores, EvaluationPlan plan, string metric)
    {
        var n = scores.Actual.Length + scores.ActualValues.Length;
        Func<int[], double> Of(double[] s) => scores.Task == EvaluationTask.Binary
            ? rows => EvaluationMetrics.BinaryValue(metric, scores.Actual, s, scores.Threshold, rows)
            : rows => EvaluationMetrics.RegressionValue(metric, scores.ActualValues, s, rows);
        var interval = PairedDifference.Bootstrap(n, Of(scores.Challenger), Of(scores.Champion), EvaluationMetrics.HigherIsBetter(metric),
            plan.BootstrapSamples, plan.Confidence, unchecked((ulong)plan.Seed));
        double p;
        switch (EvaluationMetrics.TestOf(metric))
        {
            case "delong":
                p = DeLong.Compare(scores.Actual, scores.Challenger, scores.Champion).TwoSidedPValue();
                break;
            case "mcnemar":
                var right = (double[] s) => scores.Actual.Select((a, i) => (s[i] >= scores.Threshold) == a).ToArray();
                p = McNemar.Test(right(scores.Challenger), right(scores.Champion)).PValue;
                break;
            default:
                p = interval.PValue;
                break;
        }

        return (interval, (EvaluationMetrics.TestOf(metric), p));
    }

    private static JsonObject Compare(PairedScores scores, EvaluationPlan plan, IReadOnlyList<string> metrics, out (DifferenceInterval, (string Name, double PValue))? decisive)
    {
        decisive = null;
        var table = new JsonArray();
        var single = scores.Task == EvaluationTask.Binary && (!scores.Actual.Contains(true) || !scores.Actual.Contains(false));
        foreach (var metric in metrics)
        {
            if (single && metric == "roc_auc")
            {
                table.Add(new JsonObject { ["metric"] = metric, ["reason"] = "one class only: AUC is undefined" });
                continue;
            }

            var (interval, test) = CompareOne(scores, plan, metric);
            if (metric == plan.Metric)
            {
                decisive = (interval, test);
            }

            table.Add(new JsonObject
            {
                ["metric"] = metric,
                ["higherIsBetter"] = EvaluationMetrics.HigherIsBetter(metric),
                ["champion"] = Num(interval.Champion),
                ["challenger"] = Num(interval.Challenger),
                ["difference"] = Num(interval.Difference),
                ["low"] = Num(interval.Low),
                ["high"] = Num(interval.High),
                ["test"] = test.Name,
                ["pValue"] = Num(test.PValue),
                ["resamples"] = interval.Resamples,
                ["usedResamples"] = interval.Used,
            });
        }

        return new JsonObject
        {
            ["task"] = scores.Task == EvaluationTask.Binary ? "binary" : "regression",
            ["positiveLabel"] = scores.PositiveLabel,
            ["threshold"] = scores.Task == EvaluationTask.Binary ? scores.Threshold : null,
            ["decidingMetric"] = plan.Metric,
            ["margin"] = plan.Margin,
            ["confidence"] = plan.Confidence,
            ["bootstrapSamples"] = plan.BootstrapSamples,
            ["seed"] = plan.Seed,
            ["metrics"] = table,
        };
    }

    private static JsonObject Curves(PairedScores scores)
    {
        var curves = new JsonObject();
        if (scores.Task != EvaluationTask.Binary || !scores.Actual.Contains(true) || !scores.Actual.Contains(false))
        {
            return curves;
        }

        // The shape docs/loop/dashboard.md publishes: {"roc": {model: [[fpr, tpr], ...]}, "calibration": {model: [[meanPredicted, observed, count], ...]}}.
        var roc = new JsonObject();
        var calibration = new JsonObject();
        foreach (var (name, s) in new[] { ("champion", scores.Champion), ("challenger", scores.Challenger) })
        {
            var points = RocPoints.Compute(scores.Actual, s);
            roc[name] = new JsonArray([.. points.FalsePositiveRates.Zip(points.TruePositiveRates,
                (fpr, tpr) => (JsonNode)new JsonArray(Num(fpr), Num(tpr)))]);
            calibration[name] = new JsonArray([.. CalibrationCurve.Compute(scores.Actual, s).Select(b =>
                (JsonNode)new JsonArray(Num(b.MeanPredicted), Num(b.FractionPositive), b.Count))]);
        }

        curves["roc"] = roc;
        curves["calibration"] = calibration;
        return curves;
    }

    private static JsonObject Fairness(PairedScores scores, string? attribute)
    {
        if (scores.Task != EvaluationTask.Binary)
        {
            return new JsonObject { ["attribute"] = attribute, ["reason"] = "fairness applies to binary classifiers" };
        }

        if (attribute is null)
        {
            return new JsonObject { ["attribute"] = null, ["reason"] = "neither the plan nor the model card names a fairness attribute" };
        }

        if (!scores.Batch.Columns.TryGetValue(attribute, out var column))
        {
            return new JsonObject { ["attribute"] = attribute, ["reason"] = $"'{attribute}' is not an input of the model" };
        }

        var groups = FairnessGate.Groups(column);
        var result = new JsonObject { ["attribute"] = attribute };
        var rows = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var gaps = new JsonObject();
        foreach (var (name, s) in new[] { ("champion", scores.Champion), ("challenger", scores.Challenger) })
        {
            var rates = new List<(string Group, double Positive, double Tpr, double Fpr)>();
            foreach (var group in groups.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                int count = 0, decided = 0, positives = 0, truePositives = 0, negatives = 0, falsePositives = 0;
                for (var i = 0; i < groups.Length; i++)
                {
                    if (groups[i] != group)
                    {
                        continue;
                    }

                    var positive = s[i] >= scores.Threshold;
                    count++;
                    decided += positive ? 1 : 0;
                    positives += scores.Actual[i] ? 1 : 0;
                    truePositives += scores.Actual[i] && positive ? 1 : 0;
                    negatives += scores.Actual[i] ? 0 : 1;
                    falsePositives += !scores.Actual[i] && positive ? 1 : 0;
                }

                var (rate, tpr, fpr) = ((double)decided / count, positives == 0 ? double.NaN : (double)truePositives / positives, negatives == 0 ? double.NaN : (double)falsePositives / negatives);
                rates.Add((group, rate, tpr, fpr));
                if (!rows.TryGetValue(group, out var row))
                {
                    row = new JsonObject { ["group"] = group, ["rows"] = count };
                    rows[group] = row;
                }

                row[name] = new JsonObject { ["positiveRate"] = Num(rate), ["tpr"] = Num(tpr), ["fpr"] = Num(fpr) };
            }

            double Gap(Func<(string Group, double Positive, double Tpr, double Fpr), double> pick)
            {
                var values = rates.Select(pick).Where(double.IsFinite).ToList();
                return values.Count == 0 ? double.NaN : values.Max() - values.Min();
            }

            gaps[name] = new JsonObject
            {
                ["positiveRate"] = Num(Gap(r => r.Positive)),
                ["tpr"] = Num(Gap(r => r.Tpr)),
                ["fpr"] = Num(Gap(r => r.Fpr)),
            };
        }

        // The shape docs/loop/dashboard.md publishes: one row per group with both models' rates, and the largest gaps.
        result["groups"] = new JsonArray([.. rows.Values.Select(r => (JsonNode)r)]);
        result["gaps"] = gaps;
        return result;
    }

    /// <summary>Drift between two score distributions: Jensen–Shannon distance over equal-width bins of their common range, and KS.</summary>
    internal static JsonObject Drift(double[] champion, double[] challenger)
    {
        if (champion.Length == 0 || challenger.Length == 0)
        {
            return new JsonObject { ["rows"] = 0 };
        }

        var js = JensenShannonOf(champion, challenger);
        var ks = KolmogorovSmirnov.TwoSample(champion, challenger);
        return new JsonObject
        {
            ["rows"] = champion.Length,
            ["jensenShannon"] = Num(js),
            ["bins"] = DriftBins,
            ["ks"] = Num(ks.Statistic),
            ["ksPValue"] = Num(ks.PValue),
            ["meanChampion"] = Num(champion.Average()),
            ["meanChallenger"] = Num(challenger.Average()),
        };
    }

    /// <summary>Jensen–Shannon distance of two samples binned over <see cref="DriftBins"/> equal-width bins of their common range.</summary>
    internal static double JensenShannonOf(double[] a, double[] b)
    {
        var low = Math.Min(a.Min(), b.Min());
        var high = Math.Max(a.Max(), b.Max());
        if (high <= low)
        {
            return 0;
        }

        long[] Histogram(double[] values)
        {
            var counts = new long[DriftBins];
            foreach (var v in values)
            {
                counts[Math.Clamp((int)((v - low) / (high - low) * DriftBins), 0, DriftBins - 1)]++;
            }

            return counts;
        }

        return JensenShannon.Distance(Histogram(a), Histogram(b));
    }

    private async Task<PairedScores> ScoreAsync(EvaluationInput input, double threshold, CancellationToken cancellationToken)
    {
        var records = new StringBuilder("[");
        for (var i = 0; i < input.Rows.Count; i++)
        {
            records.Append(i == 0 ? string.Empty : ",").Append(input.Rows[i].InputsJson);
        }

        using var document = JsonDocument.Parse(records.Append(']').ToString());
        var (championRows, batch) = await PredictAsync(input.ChampionModel, input.ChampionVersion, document.RootElement, cancellationToken);
        var (challengerRows, _) = await PredictAsync(input.ModelName, input.ChallengerVersion, document.RootElement, cancellationToken);
        var task = TaskOf(championRows);
        if (task != TaskOf(challengerRows))
        {
            throw new ValidationException("challenger", $"version {input.ChallengerVersion} is not the same kind of model as the champion, version {input.ChampionVersion}.");
        }

        if (task == EvaluationTask.Binary)
        {
            var positive = ReferenceBuilder.PositiveOf(championRows);
            bool[] actual = [.. input.Rows.Select(r => string.Equals(r.Label, positive, StringComparison.OrdinalIgnoreCase))];
            return new PairedScores(task, positive, threshold, actual, [], ScoreOf(championRows, positive), ScoreOf(challengerRows, positive), batch);
        }

        var values = new double[input.Rows.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var row = input.Rows[i];
            values[i] = row.Value ?? (double.TryParse(row.Label, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN);
            if (!double.IsFinite(values[i]))
            {
                throw new ValidationException("labels", $"Prediction {row.Id}'s ground truth ('{row.Label}') is not a number, and the model is a regressor.");
            }
        }

        return new PairedScores(task, null, threshold, [], values, [.. championRows.Select(r => r.Score ?? double.NaN)], [.. challengerRows.Select(r => r.Score ?? double.NaN)], batch);
    }

    /// <summary>The positive class's probability (or 1/0 from the label when the model gives no probabilities).</summary>
    internal static double[] ScoreOf(IReadOnlyList<RowPrediction> rows, string positive) =>
        [.. rows.Select(r => PositiveScore(r.Label, r.Score, r.Probabilities, positive) ?? 0)];

    /// <summary>The positive class's probability of one answer, or null when it carries none.</summary>
    internal static double? PositiveScore(string? label, double? score, IReadOnlyDictionary<string, double>? probabilities, string positive)
    {
        if (probabilities is not null)
        {
            foreach (var (key, p) in probabilities)
            {
                if (string.Equals(key, positive, StringComparison.OrdinalIgnoreCase))
                {
                    return p;
                }
            }
        }

        if (score is { } s && probabilities is null && label is null)
        {
            return s;
        }

        return label is null ? null : string.Equals(label, positive, StringComparison.OrdinalIgnoreCase) ? 1 : 0;
    }

    private async Task<(List<RowPrediction> Rows, FeatureBatch Batch)> PredictAsync(string model, int version, JsonElement records, CancellationToken cancellationToken)
    {
        var found = await registry.GetVersionAsync(model, version, cancellationToken);
        using var lease = await models.AcquireAsync(RegisteredRoute.Of(found), cancellationToken);
        FeatureBatch batch;
        try
        {
            batch = RecordValidator.FromRecords(records, lease.Model.Features, "records");
        }
        catch (ValidationException e)
        {
            throw new ValidationException("rows", $"The logged rows do not fit {model} version {version}'s inputs: {e.Message}");
        }

        var rows = new List<RowPrediction>(batch.RowCount);
        for (var start = 0; start < batch.RowCount; start += ReferenceBuilder.ScoreChunkRows)
        {
            var count = Math.Min(ReferenceBuilder.ScoreChunkRows, batch.RowCount - start);
            rows.AddRange(lease.Model.Predict(start == 0 && count == batch.RowCount ? batch : ReferenceBuilder.Slice(batch, start, count)).Rows);
        }

        if (rows.Count > 0 && rows[0].Probabilities is { Count: > 2 })
        {
            throw new ValidationException("model", $"{model} version {version} is a multiclass classifier; challenger evaluation covers binary classifiers and regressors.");
        }

        return (rows, batch);
    }

    private static EvaluationTask TaskOf(List<RowPrediction> rows) =>
        rows.Count > 0 && rows[0] is { Probabilities: null, Label: null } ? EvaluationTask.Regression : EvaluationTask.Binary;

    private static ChallengerEvaluation Inconclusive(ChallengerEvaluation evaluation, string reason)
    {
        evaluation.Verdict = EvaluationVerdicts.Inconclusive;
        evaluation.Summary = reason;
        return evaluation;
    }

    private static JsonArray Array(double[] values) => new([.. values.Select(v => (JsonNode?)Num(v))]);

    /// <summary>A JSON number, or null for NaN and infinities.</summary>
    internal static JsonNode? Num(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;
}
