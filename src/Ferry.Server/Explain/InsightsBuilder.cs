using System.Globalization;
using Ferry.Core.Errors;
using Ferry.Core.Serving;
using Ferry.Explain;
using Ferry.Explain.Fairness;
using Ferry.Explain.Importance;
using Ferry.Server.Explain.ModelCards;

namespace Ferry.Server.Explain;

/// <summary>
/// A version's global view, computed from its reference sample: mean |SHAP| per feature over (up to
/// <see cref="ShapRows"/>) reference rows, permutation importance (ROC AUC drop) on the labelled sample, and fairness
/// slices of one attribute.
/// </summary>
public static class InsightsBuilder
{
    /// <summary>Reference rows explained for mean |SHAP|.</summary>
    public const int ShapRows = 500;

    /// <summary>Rows explained at a time (progress is reported after each chunk).</summary>
    public const int ExplainChunkRows = 50;

    /// <summary>Global importance of a version.</summary>
    /// <param name="explainer">The version's explainer (exact where the model allows, KernelSHAP otherwise).</param>
    /// <param name="model">The version.</param>
    /// <param name="sample">The reference sample.</param>
    /// <param name="positiveLabel">The positive class (permutation importance needs labels and one).</param>
    /// <param name="progress">Told the rows explained so far.</param>
    public static CardImportance Importance(RowExplainer explainer, ILoadedModel model, ReferenceSample sample, string? positiveLabel, Action<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(explainer);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sample);
        var rows = Math.Min(ShapRows, sample.Batch.RowCount);
        var cells = BatchRows.Cells(sample.Batch, model.Features);
        var explained = new List<Ferry.Explain.Explanation>(rows);
        for (var start = 0; start < rows; start += ExplainChunkRows)
        {
            explained.AddRange(explainer.Explain(BatchRows.FromCells(cells[start..Math.Min(rows, start + ExplainChunkRows)], model.Features)));
            progress?.Invoke(explained.Count);
        }

        var meanAbs = GlobalImportance.MeanAbsoluteShap(explained);
        PermutationImportanceResult? permutation = null;
        if (sample.Labels is { } labels && positiveLabel is not null)
        {
            var actual = labels.Select(l => string.Equals(l, positiveLabel, StringComparison.OrdinalIgnoreCase)).ToArray();
            if (actual.Any(a => a) && actual.Any(a => !a))
            {
                var options = new PermutationImportanceOptions { Repeats = 5, Seed = 11 };
                permutation = ExactPermutation(explainer, model, cells, actual, options) ?? PermutationImportance.Compute<object?>(
                    batch => Scores(model, batch), cells, actual, FeatureGroups.Identity(model.Features.Select(f => f.Name)), options);
            }
        }

        return new CardImportance(explainer.Space, explainer.Method, rows, meanAbs, permutation);
    }

    /// <summary>Fairness slices of <paramref name="attribute"/> on the labelled sample: selected = scored as the positive class.</summary>
    /// <exception cref="ValidationException">The attribute is not a feature, or the sample has no labels.</exception>
    public static CardFairness Fairness(ILoadedModel model, ReferenceSample sample, string attribute, string positiveLabel, double threshold = 0.5)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sample);
        if (!sample.Batch.Columns.TryGetValue(attribute, out var column))
        {
            throw new ValidationException("attribute", $"'{attribute}' is not a feature of this model; use one of {string.Join(", ", model.Features.Select(f => f.Name))}");
        }

        if (sample.Labels is not { } labels)
        {
            throw new ValidationException("attribute", "the reference has no labels; fairness needs them: 'ferry models reference NAME VERSION data.csv --label COLUMN'");
        }

        var scores = Scores(model, BatchRows.Cells(sample.Batch, model.Features));
        var groups = Groups(column);
        var report = FairnessSlices.Compute(groups, [.. scores.Select(s => s >= threshold)],
            [.. labels.Select(l => string.Equals(l, positiveLabel, StringComparison.OrdinalIgnoreCase))]);
        return new CardFairness(attribute, sample.Batch.RowCount,
            string.Create(CultureInfo.InvariantCulture, $"scored as '{positiveLabel}' (score ≥ {threshold:0.##})"), report);
    }

    /// <summary>
    /// Permutation importance on the feature vectors of an exact explainer, scored by its own trees (re-walking, per
    /// row, only the trees whose path tests a shuffled slot: <see cref="TreePermutationScorer"/>) or coefficients in
    /// double precision, when those reproduce the served model's score on every unshuffled row to
    /// <see cref="ScoreAgreement"/>; else null. Each slot of the vector comes from one source column, so shuffling a
    /// column's slots together is shuffling the column; the groups follow the model's feature order, so the seeded
    /// shuffles are the ones the served model would be given. Scoring 100 shuffled copies of the sample through ONNX
    /// Runtime was most of a reference build's time.
    /// </summary>
    internal static PermutationImportanceResult? ExactPermutation(RowExplainer explainer, ILoadedModel model, object?[][] cells, bool[] actual, PermutationImportanceOptions options)
    {
        if (explainer is not VectorRowExplainer { Outputs: { } outputs, SlotGroups: { } slots } vector || cells.Length == 0)
        {
            return null;
        }

        // The model's feature order, so the seeded shuffles are the ones the served model would be given.
        if (slots.OrderedAs([.. model.Features.Select(f => f.Name)]) is not { } groups)
        {
            return null; // a feature feeds no slot (or a slot no feature): the shuffles would not line up
        }

        var vectors = vector.FeatureVectors(BatchRows.FromCells(cells, model.Features));
        var served = Scores(model, cells);
        var computed = Array.ConvertAll(vectors, x => outputs(x));
        var output = Enumerable.Range(0, computed[0].Length)
            .FirstOrDefault(k => computed.Select((row, i) => Math.Abs(row[k] - served[i])).All(difference => difference <= ScoreAgreement), -1);
        if (output < 0)
        {
            return null;
        }

        var baseline = Array.ConvertAll(computed, row => row[output]);
        if (vector.Ensemble is { } ensemble)
        {
            var trees = new TreePermutationScorer(ensemble, vectors, output);
            return PermutationImportance.Compute(baseline, (shuffled, rows) => trees.Shuffled(shuffled, rows), actual, groups, options);
        }

        return PermutationImportance.Compute(baseline, (shuffled, rows) =>
        {
            var scores = new double[vectors.Length];
            for (var i = 0; i < scores.Length; i++)
            {
                var x = (double[])vectors[i].Clone();
                foreach (var slot in shuffled)
                {
                    x[slot] = vectors[rows[i]][slot];
                }

                scores[i] = outputs(x)[output];
            }

            return scores;
        }, actual, groups, options);
    }

    /// <summary>How close (absolute) the explainer's scores must be to the served model's: its float32 arithmetic's noise.</summary>
    private const double ScoreAgreement = 1e-5;

    private static double[] Scores(ILoadedModel model, object?[][] rows)
    {
        var result = model.Predict(BatchRows.FromCells(rows, model.Features));
        return [.. result.Rows.Select(r => r.Score ?? double.NaN)];
    }

    /// <summary>Group names: categories as they are; numbers in quartile bands of the sample.</summary>
    private static string[] Groups(Array column)
    {
        if (column is string[] text)
        {
            return text;
        }

        if (column is bool[] flags)
        {
            return [.. flags.Select(f => f ? "true" : "false")];
        }

        var values = column is long[] whole ? whole.Select(v => (double)v).ToArray() : (double[])column;
        return QuartileBands.Of(values);
    }
}
