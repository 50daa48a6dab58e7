using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Ferry.Core.Serving;

/// <summary>
/// The feature values a request was served with, in the model's feature order. Each logged
/// <see cref="PredictionRecord"/> of the request points here (<see cref="PredictionRecord.Served"/>), so the prediction
/// log can store the values typed straight from the columns, and a row's JSON text is written only when something reads
/// <see cref="PredictionRecord.InputsJson"/>. The columns are the request's own arrays: nothing may change them after
/// the request was answered.
/// </summary>
public sealed class ServedRows
{
    /// <summary>Takes the columns of <paramref name="batch"/> in the order of <paramref name="features"/>.</summary>
    /// <exception cref="KeyNotFoundException">The batch lacks a feature's column.</exception>
    public ServedRows(FeatureBatch batch, IReadOnlyList<FeatureSpec> features)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(features);
        Features = features;
        var columns = new Array[features.Count];
        var chars = 0;
        for (var f = 0; f < columns.Length; f++)
        {
            columns[f] = batch.Columns[features[f].Name];
            chars += features[f].Name.Length + 16;
        }

        Columns = columns;
        RowCount = batch.RowCount;
        EstimatedChars = chars + 2;
    }

    /// <summary>The model's features, in the order of <see cref="Columns"/> (and of a logged row's members).</summary>
    public IReadOnlyList<FeatureSpec> Features { get; }

    /// <summary>One column per feature, as <see cref="FeatureBatch"/> holds them.</summary>
    public IReadOnlyList<Array> Columns { get; }

    /// <summary>How many rows the request carried.</summary>
    public int RowCount { get; }

    /// <summary>
    /// A row's text length estimated without writing it (each member's name plus 16 characters for its quotes, colon,
    /// comma and value): what the log's buffer counts a waiting row's inputs as.
    /// </summary>
    public int EstimatedChars { get; }

    /// <summary>Row <paramref name="row"/>'s features as a JSON object, members in feature order, NaN written as null.</summary>
    public string InputsJson(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, RowCount);
        var buffer = new ArrayBufferWriter<byte>(EstimatedChars);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            for (var f = 0; f < Columns.Count; f++)
            {
                writer.WritePropertyName(Features[f].Name);
                ServedJson.WriteValue(writer, Columns[f], row);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
