using System.IO.Compression;
using System.Text.Json;
using Ferry.Core.Errors;
using Ferry.Core.Governance;
using Ferry.Core.Registry;
using Ferry.Core.Serving;
using Ferry.Server.Explain;
using Ferry.Server.Monitoring;
using Ferry.Server.References;
using Ferry.Server.Serving;

namespace Ferry.Server.Governance.Gates;

/// <summary>What kind of model the evaluation rows were scored by.</summary>
public enum EvaluationTask
{
    /// <summary>A binary classifier: the score is the positive class's probability.</summary>
    Binary = 1,

    /// <summary>A regressor: the score is the predicted value.</summary>
    Regression = 2,

    /// <summary>A classifier with more than two classes (accuracy and log loss only).</summary>
    Multiclass = 3,
}

/// <summary>One version's answers on the evaluation rows (rows without a label are already left out).</summary>
/// <param name="Version">The model version.</param>
/// <param name="Scores">Binary: the positive class's probability; regression: the prediction; multiclass: the probability of the actual class.</param>
/// <param name="Labels">The predicted class per row (classifiers).</param>
public sealed record VersionScores(int Version, double[] Scores, string?[] Labels);

/// <summary>
/// The labelled rows the metric gates evaluate on, scored by the candidate and (when it could score them) the champion.
/// <see cref="Reason"/> is set, and the rest empty, when there are none.
/// </summary>
/// <param name="Source"><c>reference</c> or <c>dataset NAME</c>.</param>
/// <param name="Reason">Why the metric gates cannot run, or null.</param>
/// <param name="Task">Binary, regression or multiclass.</param>
/// <param name="Batch">The candidate's validated rows (the labelled ones).</param>
/// <param name="Actual">Binary: whether each row is of the positive class.</param>
/// <param name="ActualValues">Regression: each row's true value.</param>
/// <param name="ActualLabels">Classifiers: each row's true class.</param>
/// <param name="PositiveLabel">Binary: the positive class.</param>
/// <param name="Candidate">The candidate's answers.</param>
/// <param name="Champion">The champion's answers, or null.</param>
/// <param name="ChampionReason">Why there are no champion answers, or null.</param>
public sealed record ScoredEvaluation(
    string Source,
    string? Reason,
    EvaluationTask Task,
    FeatureBatch? Batch,
    bool[] Actual,
    double[] ActualValues,
    string?[] ActualLabels,
    string? PositiveLabel,
    VersionScores? Candidate,
    VersionScores? Champion,
    string? ChampionReason)
{
    /// <summary>Labelled rows evaluated.</summary>
    public int Rows => Batch?.RowCount ?? 0;

    internal static ScoredEvaluation None(string source, string reason) =>
        new(source, reason, EvaluationTask.Binary, null, [], [], [], null, null, null, null);
}

/// <summary>
/// Loads and scores the evaluation rows once per scope (every gate of one evaluation shares them): the holdout dataset
/// named by <see cref="GateSettings.EvaluationDataset"/>, else the candidate's reference sample (up to
/// <see cref="ReferenceSample.MaxRows"/> rows spread evenly over the reference, with its labels). Rows are scored
/// through the model cache serving uses, a chunk of <see cref="ReferenceBuilder.ScoreChunkRows"/> at a time, so the
/// numbers are the served ones.
/// </summary>
public sealed class EvaluationRows(IRegistryStore registry, IHoldoutDatasetStore datasets, ReferenceCache references, ModelCache models)
{
    private readonly Dictionary<string, ScoredEvaluation> _loaded = new(StringComparer.Ordinal);

    /// <summary>The scored rows for <paramref name="context"/>.</summary>
    public async Task<ScoredEvaluation> GetAsync(GateContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = $"{context.ModelName}\n{context.Version}\n{context.ChampionVersion}\n{context.Settings.EvaluationDataset}";
        if (!_loaded.TryGetValue(key, out var scored))
        {
            scored = await LoadAsync(context, cancellationToken);
            _loaded[key] = scored;
        }

        return scored;
    }

    private async Task<ScoredEvaluation> LoadAsync(GateContext context, CancellationToken cancellationToken)
    {
        var candidate = await registry.GetVersionAsync(context.ModelName, context.Version, cancellationToken);
        if (candidate.Version.Flavor is null || candidate.Version.ArtifactPath is null)
        {
            return ScoredEvaluation.None("none", $"{context.ModelName} version {context.Version} is not a servable model, so Ferry cannot score it.");
        }

        using var lease = await models.AcquireAsync(RegisteredRoute.Of(candidate), cancellationToken);
        var model = lease.Model;
        string source;
        FeatureBatch batch;
        IReadOnlyList<string?> labels;
        string? positive;
        if (context.Settings.EvaluationDataset is { } name)
        {
            source = $"dataset {name}";
            var dataset = await datasets.FindAsync(context.ModelName, name, cancellationToken);
            if (dataset is null)
            {
                return ScoredEvaluation.None(source, $"{context.ModelName} has no holdout dataset named '{name}'.");
            }

            using var document = JsonDocument.Parse(Inflate(dataset.Data));
            var upload = ReferenceUpload.Read(document.RootElement);
            try
            {
                batch = RecordValidator.FromRecords(upload.Records, model.Features, "records");
            }
            catch (ValidationException e)
            {
                return ScoredEvaluation.None(source, $"The dataset's rows do not fit version {context.Version}'s inputs: {e.Message}");
            }

            labels = upload.Labels ?? [];
            positive = dataset.PositiveLabel;
        }
        else
        {
            source = "reference";
            var reference = await references.GetAsync(context.ModelName, context.Version, cancellationToken);
            if (reference?.Entry.SampleJson is not { } sampleJson)
            {
                return ScoredEvaluation.None(source, $"{context.ModelName} version {context.Version} has no reference and the policy names no holdout dataset: upload one (PUT /api/v1/models/{{name}}/datasets/{{dataset}}) or set the version's reference with labels.");
            }

            var sample = ReferenceSample.FromJson(sampleJson, model.Features);
            if (sample.Labels is null)
            {
                return ScoredEvaluation.None(source, $"The reference of {context.ModelName} version {context.Version} has no labels, so no metric can be computed: set it again with labels, or name a holdout dataset.");
            }

            batch = sample.Batch;
            labels = sample.Labels;
            positive = reference.Entry.PositiveLabel;
        }

        var kept = Enumerable.Range(0, batch.RowCount).Where(i => i < labels.Count && labels[i] is not null).ToArray();
        if (kept.Length == 0)
        {
            return ScoredEvaluation.None(source, "The evaluation rows carry no labels.");
        }

        if (kept.Length < batch.RowCount)
        {
            batch = Pick(batch, kept);
        }

        var actualLabels = kept.Select(i => labels[i]).ToArray();
        var candidateRows = Score(model, batch);
        var task = TaskOf(candidateRows);
        bool[] actual = [];
        double[] actualValues = [];
        switch (task)
        {
            case EvaluationTask.Binary:
                positive ??= ReferenceBuilder.PositiveOf(candidateRows);
                actual = [.. actualLabels.Select(l => string.Equals(l, positive, StringComparison.OrdinalIgnoreCase))];
                break;
            case EvaluationTask.Regression:
                actualValues = new double[actualLabels.Length];
                for (var i = 0; i < actualValues.Length; i++)
                {
                    if (!double.TryParse(actualLabels[i], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out actualValues[i]) || !double.IsFinite(actualValues[i]))
                    {
                        return ScoredEvaluation.None(source, $"Label {i} ('{actualLabels[i]}') is not a number, and version {context.Version} is a regressor.");
                    }
                }

                break;
            default:
                positive = null;
                break;
        }

        var candidateScores = Scores(context.Version, candidateRows, task, positive, actualLabels);
        VersionScores? champion = null;
        string? championReason = null;
        if (context.ChampionVersion is { } championVersion && championVersion != context.Version)
        {
            (champion, championReason) = await ScoreChampionAsync(context.ModelName, championVersion, batch, task, positive, actualLabels, cancellationToken);
        }
        else
        {
            championReason = context.TargetAlias is null
                ? "No champion to compare with."
                : $"No version holds '{context.TargetAlias}' yet, so there is no champion to compare with.";
        }

        return new ScoredEvaluation(source, null, task, batch, actual, actualValues, actualLabels, positive, candidateScores, champion, championReason);
    }

    private async Task<(VersionScores? Scores, string? Reason)> ScoreChampionAsync(
        string modelName, int version, FeatureBatch candidateBatch, EvaluationTask task, string? positive, string?[] actualLabels, CancellationToken cancellationToken)
    {
        var found = await registry.GetVersionAsync(modelName, version, cancellationToken);
        if (found.Version.Flavor is null || found.Version.ArtifactPath is null)
        {
            return (null, $"The champion, version {version}, is not a servable model.");
        }

        using var lease = await models.AcquireAsync(RegisteredRoute.Of(found), cancellationToken);
        var columns = new Dictionary<string, Array>(StringComparer.Ordinal);
        foreach (var feature in lease.Model.Features)
        {
            if (!candidateBatch.Columns.TryGetValue(feature.Name, out var column))
            {
                return (null, $"The champion, version {version}, needs input '{feature.Name}', which the evaluation rows lack.");
            }

            columns[feature.Name] = column;
        }

        try
        {
            var rows = Score(lease.Model, new FeatureBatch(candidateBatch.RowCount, columns));
            if (TaskOf(rows) != task)
            {
                return (null, $"The champion, version {version}, is not the same kind of model as the candidate ({task}).");
            }

            return (Scores(version, rows, task, positive, actualLabels), null);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or ValidationException)
        {
            return (null, $"The champion, version {version}, could not score the evaluation rows: {e.Message}");
        }
    }

    private static VersionScores Scores(int version, List<RowPrediction> rows, EvaluationTask task, string? positive, string?[] actualLabels)
    {
        var scores = new double[rows.Count];
        for (var i = 0; i < scores.Length; i++)
        {
            var row = rows[i];
            scores[i] = task switch
            {
                EvaluationTask.Binary => ProbabilityOf(row, positive!) ?? row.Score ?? double.NaN,
                EvaluationTask.Regression => row.Score ?? double.NaN,
                _ => actualLabels[i] is { } label ? ProbabilityOf(row, label) ?? 0 : 0,
            };
        }

        return new VersionScores(version, scores, [.. rows.Select(r => r.Label)]);
    }

    private static double? ProbabilityOf(RowPrediction row, string label)
    {
        if (row.Probabilities is not { } probabilities)
        {
            return null;
        }

        if (probabilities.TryGetValue(label, out var p))
        {
            return p;
        }

        foreach (var (key, value) in probabilities)
        {
            if (string.Equals(key, label, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    private static EvaluationTask TaskOf(List<RowPrediction> rows)
    {
        var first = rows.Count > 0 ? rows[0] : null;
        if (first?.Probabilities is { Count: > 2 })
        {
            return EvaluationTask.Multiclass;
        }

        return first is { Probabilities: not null } or { Label: not null } ? EvaluationTask.Binary : EvaluationTask.Regression;
    }

    private static List<RowPrediction> Score(ILoadedModel model, FeatureBatch batch)
    {
        var rows = new List<RowPrediction>(batch.RowCount);
        for (var start = 0; start < batch.RowCount; start += ReferenceBuilder.ScoreChunkRows)
        {
            var count = Math.Min(ReferenceBuilder.ScoreChunkRows, batch.RowCount - start);
            rows.AddRange(model.Predict(start == 0 && count == batch.RowCount ? batch : ReferenceBuilder.Slice(batch, start, count)).Rows);
        }

        return rows;
    }

    private static FeatureBatch Pick(FeatureBatch batch, int[] rows)
    {
        var columns = new Dictionary<string, Array>(batch.Columns.Count, StringComparer.Ordinal);
        foreach (var (name, column) in batch.Columns)
        {
            var part = Array.CreateInstance(column.GetType().GetElementType()!, rows.Length);
            for (var i = 0; i < rows.Length; i++)
            {
                part.SetValue(column.GetValue(rows[i]), i);
            }

            columns[name] = part;
        }

        return new FeatureBatch(rows.Length, columns);
    }

    /// <summary>The JSON of a stored dataset.</summary>
    internal static byte[] Inflate(byte[] data)
    {
        using var zlib = new ZLibStream(new MemoryStream(data), CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        zlib.CopyTo(buffer);
        return buffer.ToArray();
    }
}
