using System.Text.Json;
using Ferry.Core.Serving;
using Ferry.Server.Serving;

namespace Ferry.Server.Explain;

/// <summary>
/// The sample of reference rows stored with a reference profile: the background of model-agnostic explanations, the
/// rows tree covers are counted on, and (with labels) the holdout of permutation importance and fairness slices.
/// Stored as <c>{"records": [...], "labels": [...]}</c>.
/// </summary>
public sealed class ReferenceSample
{
    /// <summary>Most rows kept.</summary>
    public const int MaxRows = 2_000;

    private ReferenceSample(FeatureBatch batch, IReadOnlyList<string?>? labels)
    {
        Batch = batch;
        Labels = labels;
    }

    /// <summary>The rows, validated against the model's features.</summary>
    public FeatureBatch Batch { get; }

    /// <summary>One label per row, when the reference had labels.</summary>
    public IReadOnlyList<string?>? Labels { get; }

    /// <summary>The JSON kept with the reference: up to <see cref="MaxRows"/> rows spread evenly over the reference.</summary>
    public static string ToJson(FeatureBatch batch, IReadOnlyList<FeatureSpec> features, IReadOnlyList<string?>? labels)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var step = Math.Max(1.0, batch.RowCount / (double)MaxRows);
        var picked = Enumerable.Range(0, Math.Min(batch.RowCount, MaxRows)).Select(i => (int)(i * step)).Distinct().ToArray();
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("records");
            foreach (var i in picked)
            {
                writer.WriteStartObject();
                foreach (var feature in features)
                {
                    writer.WritePropertyName(feature.Name);
                    switch (batch.Columns[feature.Name].GetValue(i))
                    {
                        case double d when double.IsFinite(d): writer.WriteNumberValue(d); break;
                        case double: writer.WriteStringValue("NaN"); break;
                        case long l: writer.WriteNumberValue(l); break;
                        case string s: writer.WriteStringValue(s); break;
                        case bool b: writer.WriteBooleanValue(b); break;
                        default: writer.WriteNullValue(); break;
                    }
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            if (labels is not null)
            {
                writer.WriteStartArray("labels");
                foreach (var i in picked)
                {
                    writer.WriteStringValue(labels[i]);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads a stored sample back, validated against <paramref name="features"/>.</summary>
    public static ReferenceSample FromJson(string json, IReadOnlyList<FeatureSpec> features)
    {
        using var document = JsonDocument.Parse(json);
        var batch = RecordValidator.FromRecords(document.RootElement.GetProperty("records"), features, "sample");
        List<string?>? labels = null;
        if (document.RootElement.TryGetProperty("labels", out var array))
        {
            labels = [.. array.EnumerateArray().Select(l => l.ValueKind == JsonValueKind.String ? l.GetString() : null)];
        }

        return new ReferenceSample(batch, labels);
    }
}
