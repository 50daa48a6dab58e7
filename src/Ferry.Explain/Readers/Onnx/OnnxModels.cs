using Onnx;

namespace Ferry.Explain.Readers.Onnx;

/// <summary>Loads ONNX models and finds their ai.onnx.ml nodes.</summary>
internal static class OnnxModels
{
    public const string MlDomain = "ai.onnx.ml";

    public static ModelProto Parse(Stream stream) => ModelProto.Parser.ParseFrom(stream);

    public static NodeProto FindNode(ModelProto model, params string[] opTypes)
    {
        var matches = model.Graph.Node.Where(n => n.Domain == MlDomain && opTypes.Contains(n.OpType)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new NotSupportedException($"The model has no {string.Join(" or ", opTypes)} node."),
            _ => throw new NotSupportedException($"The model has {matches.Count} {string.Join("/", opTypes)} nodes; exactly one is supported."),
        };
    }

    /// <summary>Traces <paramref name="tensor"/>; on failure, anonymous groups of <paramref name="fallbackWidth"/> and the reason.</summary>
    public static (FeatureGroups Groups, OnnxFeaturizer? Featurizer, string? Problem) Trace(ModelProto model, string tensor, int fallbackWidth)
    {
        try
        {
            var plan = new GraphTracer(model).Trace(tensor);
            if (plan.Width < fallbackWidth)
            {
                throw new NotSupportedException($"Tracing gave {plan.Width} slots but the model reads {fallbackWidth}.");
            }

            return (new FeatureGroups(plan.Slots), new OnnxFeaturizer(plan), null);
        }
        catch (NotSupportedException e)
        {
            return (FeatureGroups.Anonymous(fallbackWidth, tensor + "_"), null, e.Message);
        }
    }
}
