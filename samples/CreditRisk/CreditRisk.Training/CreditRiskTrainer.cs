using System.Globalization;
using CreditRisk.Data;
using Ferry.Client;
using Ferry.Client.Tracking;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace CreditRisk.Training;

/// <summary>
/// Generates the synthetic population, trains an ML.NET FastTree classifier (one-hot categoricals), evaluates it on a
/// holdout, logs the run to Ferry (params, metrics, tags, the model zip) and registers the model.
/// </summary>
public static class CreditRiskTrainer
{
    private static readonly string[] Numeric =
        ["age", "income", "employment_years", "debt_to_income", "credit_utilization", "open_accounts", "delinquencies", "loan_amount", "term"];

    private static readonly string[] Categorical = ["purpose", "home_ownership", "region"];

    /// <summary>Runs the whole flow against <paramref name="ferry"/>.</summary>
    /// <param name="ferry">A client with a scientist (or higher) token.</param>
    /// <param name="options">What to train.</param>
    /// <param name="log">Progress lines (e.g. <see cref="Console.WriteLine(string)"/>).</param>
    /// <param name="cancellationToken">Cancels the HTTP calls.</param>
    public static async Task<TrainingResult> TrainAsync(FerryClient ferry, TrainingOptions options, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ferry);
        ArgumentNullException.ThrowIfNull(options);
        log ??= _ => { };

        var fromDataset = options.DatasetPath is not null;
        var tags = new Dictionary<string, string>
        {
            ["mlflow.source.name"] = "CreditRisk.Training",
            ["mlflow.source.type"] = "LOCAL",
            ["framework"] = "ML.NET " + typeof(MLContext).Assembly.GetName().Version,
            ["dataset"] = fromDataset ? "ferry-dataset/" + Path.GetFileName(options.DatasetPath) : "synthetic-credit-risk/baseline",
        };
        ActiveRun run;
        string experimentName;
        if (options.RunId is { } runId)
        {
            run = await ferry.Tracking.ResumeActiveRunAsync(runId, cancellationToken);
            experimentName = run.Run.Info.ExperimentId ?? "(unknown)";
            foreach (var (key, value) in tags)
            {
                await run.SetTagAsync(key, value, cancellationToken);
            }
        }
        else
        {
            var experiment = await ferry.Tracking.GetOrCreateExperimentAsync(options.Experiment, cancellationToken);
            experimentName = $"'{experiment.Name}' ({experiment.ExperimentId})";
            run = await ferry.Tracking.StartActiveRunAsync(experiment.ExperimentId, $"fasttree-seed{options.Seed}", tags, cancellationToken);
        }

        await using (run)
        {
            try
            {
                log($"Run {run.RunId} in experiment {experimentName}");
                await run.LogParamsAsync(Params(options), cancellationToken);

                var ml = new MLContext(options.Seed);
                var (train, holdout) = await RowsAsync(options, cancellationToken);
                if (options.InvertLabels)
                {
                    train = [.. train.Select(r => r.WithDefault(!r.Default))];
                }

                log(string.Create(CultureInfo.InvariantCulture, $"{train.Count:N0} training rows, {holdout.Count:N0} holdout rows"));
                var model = BuildPipeline(ml, options).Fit(ml.Data.LoadFromEnumerable(train));
                var metrics = ml.BinaryClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(holdout)), labelColumnName: "default");
                log($"AUC {metrics.AreaUnderRocCurve:F4}, accuracy {metrics.Accuracy:F4} on the holdout");
                await run.LogMetricsAsync(Metrics(metrics, [.. train, .. holdout]), cancellationToken: cancellationToken);

                var zip = Save(ml, model, options);
                var uploaded = await ferry.Artifacts.UploadToRunAsync(run.RunId, zip, "model", cancellationToken: cancellationToken);
                log($"Uploaded {uploaded}");
                var version = await ferry.Registry.RegisterModelAsync(run.RunId, "model/" + Path.GetFileName(zip), options.ModelName, cancellationToken);
                await run.SetTagAsync("ferry.registered_version", $"{options.ModelName}/{version.Version}", cancellationToken);
                log($"Registered '{options.ModelName}' version {version.Version}");
                if (options.ReferenceRows > 0 && holdout.Count > 0)
                {
                    var reference = holdout.Take(options.ReferenceRows).ToList();
                    await ferry.Monitoring.SetReferenceAsync(options.ModelName, int.Parse(version.Version, CultureInfo.InvariantCulture),
                        [.. reference.Select(r => r.ToRecord())], [.. reference.Select(r => (string?)(r.Default ? "true" : "false"))],
                        source: $"holdout of run {run.RunId}", cancellationToken: cancellationToken);
                    log($"Reference profile of version {version.Version}: {reference.Count:N0} holdout rows");
                }

                return new TrainingResult(run.RunId, metrics.AreaUnderRocCurve, metrics.Accuracy, options.ModelName, version.Version, version.Source ?? uploaded);
            }
            catch
            {
                run.MarkFailed();
                throw;
            }
        }
    }

    // The generated population split in two, or a Ferry dataset (with its own holdout file, or split).
    private static async Task<(List<LoanRow> Train, List<LoanRow> Holdout)> RowsAsync(TrainingOptions options, CancellationToken cancellationToken)
    {
        if (options.DatasetPath is null)
        {
            var (train, holdout) = Split(CreditRiskGenerator.Generate(options.Rows, PopulationOptions.Baseline(options.Seed)), options);
            return ([.. train.Select(LoanRow.From)], [.. holdout.Select(LoanRow.From)]);
        }

        var rows = await DatasetRows.ReadAsync(options.DatasetPath, cancellationToken);
        if (options.HoldoutPath is not null && File.Exists(options.HoldoutPath))
        {
            var held = await DatasetRows.ReadAsync(options.HoldoutPath, cancellationToken);
            if (held.Count > 0)
            {
                return (rows, held);
            }
        }

        var (t, h) = Split(rows, options);
        return (t, h);
    }

    /// <summary>A seeded shuffle, then the first <see cref="TrainingOptions.HoldoutFraction"/> of the rows are held out.</summary>
    public static (List<T> Train, List<T> Holdout) Split<T>(IReadOnlyList<T> rows, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(options);
#pragma warning disable CA5394 // A seeded shuffle for a reproducible split, not security.
        var order = Enumerable.Range(0, rows.Count).ToArray();
        new Random(options.Seed).Shuffle(order);
#pragma warning restore CA5394
        var holdout = (int)Math.Round(rows.Count * options.HoldoutFraction);
        return ([.. order.Skip(holdout).Select(i => rows[i])], [.. order.Take(holdout).Select(i => rows[i])]);
    }

    /// <summary>One-hot for the categoricals, every feature concatenated, FastTree on top.</summary>
    public static IEstimator<ITransformer> BuildPipeline(MLContext ml, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(options);
        var oneHot = Categorical.Select(c => new InputOutputColumnPair(c + "_onehot", c)).ToArray();
        return ml.Transforms.Categorical.OneHotEncoding(oneHot, OneHotEncodingEstimator.OutputKind.Indicator)
            .Append(ml.Transforms.Concatenate("Features", [.. Numeric, .. oneHot.Select(c => c.OutputColumnName)]))
            .Append(ml.BinaryClassification.Trainers.FastTree(
                labelColumnName: "default",
                featureColumnName: "Features",
                numberOfLeaves: options.Leaves,
                numberOfTrees: options.Trees,
                minimumExampleCountPerLeaf: options.MinExamplesPerLeaf,
                learningRate: options.LearningRate));
    }

    private static string Save(MLContext ml, ITransformer model, TrainingOptions options)
    {
        var directory = options.WorkDirectory ?? Path.Combine(Path.GetTempPath(), $"credit-risk-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "model.zip");
        // The saved input schema is the 12 features only (no label): it becomes the version's signature.
        var featureSchema = ml.Data.LoadFromEnumerable(Array.Empty<LoanFeatures>()).Schema;
        ml.Model.Save(model, featureSchema, path);
        return path;
    }

    private static Dictionary<string, string> Params(TrainingOptions o) => new()
    {
        ["rows"] = Text(o.Rows),
        ["seed"] = Text(o.Seed),
        ["holdout_fraction"] = Text(o.HoldoutFraction),
        ["trainer"] = "FastTree",
        ["number_of_trees"] = Text(o.Trees),
        ["number_of_leaves"] = Text(o.Leaves),
        ["learning_rate"] = Text(o.LearningRate),
        ["min_examples_per_leaf"] = Text(o.MinExamplesPerLeaf),
        ["categorical_encoding"] = "one-hot",
        ["population"] = o.DatasetPath is null ? "baseline" : "ferry-dataset",
        ["invert_labels"] = o.InvertLabels ? "true" : "false",
    };

    private static Dictionary<string, double> Metrics(CalibratedBinaryClassificationMetrics m, IReadOnlyList<LoanRow> rows) => new()
    {
        ["auc"] = m.AreaUnderRocCurve,
        ["accuracy"] = m.Accuracy,
        ["f1"] = m.F1Score,
        ["log_loss"] = m.LogLoss,
        ["auprc"] = m.AreaUnderPrecisionRecallCurve,
        ["default_rate"] = rows.Count == 0 ? 0 : rows.Count(r => r.Default) / (double)rows.Count,
    };

    private static string Text(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);
}
