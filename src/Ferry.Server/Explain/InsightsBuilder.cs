using System.Globalization;
using Ferry.Core.Errors;
using Ferry.Core.Serving;
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
    private static readonly double[] Quartiles = [0.25, 0.5, 0.75];

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
                permutation = PermutationImportance.Compute<object?>(
                    batch => Scores(model, batch), cells, actual, Ferry.Explain.FeatureGroups.Identity(model.Features.Select(f => f.Name)),
                    new PermutationImportanceOptions { Repeats = 5, Seed = 11 });
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
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0)
        {
            return [.. values.Select(_ => "missing")];
        }

        var cuts = Quartiles.Select(q => sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(q * sorted.Length))]).Distinct().ToArray();
        string Band(double v)
        {
            if (double.IsNaN(v))
            {
                return "missing";
            }

            var i = Array.FindIndex(cuts, c => v <= c);
            return i switch
            {
                0 => $"≤ {cuts[0].ToString("G6", CultureInfo.InvariantCulture)}",
                -1 => $"> {cuts[^1].ToString("G6", CultureInfo.InvariantCulture)}",
                _ => $"{cuts[i - 1].ToString("G6", CultureInfo.InvariantCulture)} – {cuts[i].ToString("G6", CultureInfo.InvariantCulture)}",
            };
        }

        return [.. values.Select(Band)];
    }
}
