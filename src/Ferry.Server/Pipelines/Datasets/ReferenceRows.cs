using System.Text.Json;
using Ferry.Core.Monitoring;

namespace Ferry.Server.Pipelines.Datasets;

/// <summary>
/// A version's registered reference rows, rebuilt for a dataset. Ferry keeps a reference's full columns (features and
/// the model's score on them; <see cref="IReferenceColumnStore"/>, up to <c>Ferry:Monitoring:ExactRowLimit</c> rows)
/// and, with the profile, a sample of up to 2,000 rows spread evenly over it with their true labels
/// (<see cref="ReferenceProfileEntry.SampleJson"/>). Rows come from the full columns when kept, with the sample's labels
/// on the rows the sample picked (other rows have no label: the reference's labels are kept for the sample only); else
/// from the sample itself (no score).
/// </summary>
public sealed class ReferenceRows
{
    /// <summary>Most rows a reference sample keeps (<c>ReferenceSample.MaxRows</c>).</summary>
    public const int SampleRows = 2_000;

    private ReferenceRows(string modelName, int version, int count, IReadOnlyList<ReferenceColumnValues> features, double[]? scores, string?[] labels)
    {
        ModelName = modelName;
        Version = version;
        Count = count;
        Features = features;
        Scores = scores;
        Labels = labels;
    }

    /// <summary>The model.</summary>
    public string ModelName { get; }

    /// <summary>The version.</summary>
    public int Version { get; }

    /// <summary>Rows.</summary>
    public int Count { get; }

    /// <summary>The feature columns.</summary>
    public IReadOnlyList<ReferenceColumnValues> Features { get; }

    /// <summary>The model's score on each row (NaN = none), or null.</summary>
    public double[]? Scores { get; }

    /// <summary>The true label of each row, or null.</summary>
    public string?[] Labels { get; }

    /// <summary>Loads the reference of a version, or null when it has none.</summary>
    public static async Task<ReferenceRows?> LoadAsync(IReferenceProfileStore profiles, IReferenceColumnStore columns, string modelName, int version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentNullException.ThrowIfNull(columns);
        var entry = await profiles.FindReferenceAsync(modelName, version, cancellationToken);
        if (entry is null)
        {
            return null;
        }

        var (sampleFeatures, sampleLabels) = ReadSample(entry.SampleJson);
        var stored = await columns.LoadAsync(modelName, version, cancellationToken);
        if (stored is { Count: > 0 })
        {
            var features = stored.Values.Where(c => !ProfileColumns.IsOutput(c.Name)).ToList();
            var count = stored.Values.Max(c => c.Rows);
            var labels = new string?[count];
            if (sampleLabels is not null)
            {
                var picked = Picked(count);
                for (var i = 0; i < picked.Length && i < sampleLabels.Count; i++)
                {
                    labels[picked[i]] = sampleLabels[i];
                }
            }

            return new ReferenceRows(modelName, version, count, features, stored.GetValueOrDefault(ProfileColumns.Score)?.Numbers, labels);
        }

        if (sampleFeatures is null)
        {
            return null;
        }

        var rows = sampleFeatures.Count == 0 ? 0 : sampleFeatures.Max(c => c.Rows);
        var sampled = new string?[rows];
        for (var i = 0; sampleLabels is not null && i < Math.Min(rows, sampleLabels.Count); i++)
        {
            sampled[i] = sampleLabels[i];
        }

        return new ReferenceRows(modelName, version, rows, sampleFeatures, null, sampled);
    }

    /// <summary>The kind a reference column gives its field: numbers, booleans (every value <c>true</c>/<c>false</c>) or text.</summary>
    public static FieldKind KindOf(ReferenceColumnValues column)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (column.IsNumeric)
        {
            return FieldKind.Number;
        }

        var values = column.Categories!.Where(c => c is not null).ToList();
        return values.Count == 0 ? FieldKind.Unknown : values.TrueForAll(v => bool.TryParse(v, out _)) ? FieldKind.Boolean : FieldKind.Text;
    }

    /// <summary>The row indices the reference sample picked from a reference of <paramref name="rows"/> rows (<c>ReferenceSample.ToJson</c>'s rule).</summary>
    public static int[] Picked(int rows)
    {
        var step = Math.Max(1.0, rows / (double)SampleRows);
        return [.. Enumerable.Range(0, Math.Min(rows, SampleRows)).Select(i => (int)(i * step)).Distinct()];
    }

    private static (List<ReferenceColumnValues>? Features, List<string?>? Labels) ReadSample(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return (null, null);
        }

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        List<string?>? labels = null;
        if (root.TryGetProperty("labels", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            labels = [.. array.EnumerateArray().Select(l => l.ValueKind == JsonValueKind.String ? l.GetString() : null)];
        }

        if (!root.TryGetProperty("records", out var records) || records.ValueKind != JsonValueKind.Array)
        {
            return (null, labels);
        }

        var count = records.GetArrayLength();
        var columns = new DatasetColumns();
        foreach (var record in records.EnumerateArray())
        {
            columns.Observe(record);
        }

        var features = new List<ReferenceColumnValues>();
        foreach (var field in columns.Fields)
        {
            var numeric = columns.KindOf(field) == FieldKind.Number;
            var numbers = numeric ? new double[count] : null;
            var text = numeric ? null : new string?[count];
            var i = 0;
            foreach (var record in records.EnumerateArray())
            {
                var value = record.ValueKind == JsonValueKind.Object && record.TryGetProperty(field, out var v) ? v : default;
                if (numbers is not null)
                {
                    numbers[i] = value.ValueKind == JsonValueKind.Undefined ? double.NaN : DatasetColumns.Number(value) ?? double.NaN;
                }
                else
                {
                    text![i] = value.ValueKind == JsonValueKind.Undefined ? null : DatasetColumns.Text(value);
                }

                i++;
            }

            features.Add(new ReferenceColumnValues(field, numbers, text));
        }

        return (features, labels);
    }
}
