using System.Text.Json;
using Ferry.Core.Serving;
using Ferry.Explain.Readers;
using Ferry.Explain.Trees;
using Ferry.Runtimes.MLNet;

namespace Ferry.Server.Explain;

/// <summary>
/// Node covers of a version's tree ensemble counted over every reference row (not the stored sample): each row is
/// featurized as the model's graph does and routed through every tree's splits, a chunk at a time, so the counts equal
/// the training sample counts when the reference is the training set. Stored with the reference as JSON
/// (<c>{"rows": n, "trees": [[...], ...]}</c>) and used by path-dependent TreeSHAP.
/// </summary>
public static class ReferenceCovers
{
    /// <summary>Rows featurized at a time.</summary>
    public const int ChunkRows = 1024;

    /// <summary>The covers of the model's trees over <paramref name="rows"/>, or null when the model is not a traceable tree ensemble.</summary>
    /// <param name="model">The loaded version.</param>
    /// <param name="modelBytes">Its model file (ONNX graphs are read from it).</param>
    /// <param name="rows">Every reference row.</param>
    /// <param name="progress">Told the rows counted so far.</param>
    public static NodeCovers? Count(ILoadedModel model, byte[] modelBytes, FeatureBatch rows, Action<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(modelBytes);
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.RowCount == 0 || Read(model, modelBytes) is not { } read)
        {
            return null;
        }

        var counter = new CoverCounter(read.Ensemble);
        for (var start = 0; start < rows.RowCount; start += ChunkRows)
        {
            var chunk = Ferry.Server.Monitoring.ReferenceBuilder.Slice(rows, start, Math.Min(ChunkRows, rows.RowCount - start));
            foreach (var vector in read.Featurize(chunk))
            {
                counter.Add(vector);
            }

            progress?.Invoke(counter.Rows);
        }

        return counter.Result();
    }

    /// <summary>The covers as stored with the reference.</summary>
    public static string ToJson(NodeCovers covers)
    {
        ArgumentNullException.ThrowIfNull(covers);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("rows", covers.Rows);
            writer.WriteStartArray("trees");
            foreach (var tree in covers.Trees)
            {
                writer.WriteStartArray();
                foreach (var count in tree)
                {
                    writer.WriteNumberValue(count);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads stored covers back; null for null (references made before covers were stored).</summary>
    public static NodeCovers? FromJson(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var trees = root.GetProperty("trees").EnumerateArray().Select(t => t.EnumerateArray().Select(c => c.GetDouble()).ToArray()).ToArray();
        return new NodeCovers(root.GetProperty("rows").GetInt64(), trees);
    }

    private static (TreeEnsemble Ensemble, Func<FeatureBatch, double[][]> Featurize)? Read(ILoadedModel model, byte[] bytes)
    {
        try
        {
            if (model is MLNetLoadedModel mlnet)
            {
                var trees = MlNetTreeEnsembleReader.Read(mlnet.Transformer, mlnet.InputSchema);
                return (trees.Ensemble, batch => MlNetTreeEnsembleReader.ReadFeatures(mlnet.Transformer, mlnet.View(batch), trees.FeatureColumnName));
            }

            var onnx = OnnxTreeEnsembleReader.Read(new MemoryStream(bytes));
            if (onnx.Featurizer is not { } featurizer)
            {
                return null;
            }

            return (onnx.Ensemble, batch => [.. Enumerable.Range(0, batch.RowCount).Select(i => featurizer.Featurize(BatchRows.Row(batch, model.Features, i)))]);
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException or InvalidDataException or Google.Protobuf.InvalidProtocolBufferException)
        {
            // Not a (traceable) tree ensemble: no covers to count.
            return null;
        }
    }
}
