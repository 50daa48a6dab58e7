using Ferry.Core.Signatures;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Ferry.Runtimes.Onnx;

/// <summary>
/// Reads an ONNX model's signature from its graph inputs and outputs by opening it in ONNX Runtime (one thread,
/// no graph optimisation), so a file Ferry accepts is one ONNX Runtime can load.
/// </summary>
/// <remarks>
/// Mapping: tensor element types take the names on <see cref="ElementTypes"/> (ONNX <c>float</c> is
/// <c>float32</c>, <c>double</c> is <c>float64</c>); dimensions that are symbolic (<c>"batch"</c>) or unknown become
/// <c>-1</c>; sequences and maps are written <c>seq(T)</c> and <c>map(K,V)</c> with an empty shape, so
/// scikit-learn's <c>ZipMap</c> output is <c>seq(map(int64,float32))</c>; sparse tensors are
/// <c>sparse(T)</c>; an ONNX <c>optional(T)</c> is <c>T</c> with <see cref="TensorSpec.Optional"/> set.
/// </remarks>
public sealed class OnnxSignatureReader : IModelSignatureReader
{
    private readonly OnnxSignatureReaderOptions _options;

    /// <summary>Creates a reader.</summary>
    /// <param name="options">Limits; the defaults when null.</param>
    public OnnxSignatureReader(OnnxSignatureReaderOptions? options = null)
    {
        _options = options ?? new OnnxSignatureReaderOptions();
        ModelBytes.CheckLimit(_options.MaxModelBytes, nameof(options));
    }

    /// <inheritdoc />
    public ModelFlavor Flavor => ModelFlavor.Onnx;

    /// <inheritdoc />
    public async Task<ModelSignature> ReadAsync(Stream model, CancellationToken cancellationToken = default)
    {
        var bytes = await ModelBytes.ReadAsync(model, _options.MaxModelBytes, ModelFlavor.Onnx, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();

        using var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
        };
        var session = OnnxModelRuntime.OpenSession(bytes, sessionOptions);

        using (session)
        {
            try
            {
                return new ModelSignature(
                    session.InputNames.Select(name => ToSpec(name, session.InputMetadata[name])).ToArray(),
                    session.OutputNames.Select(name => ToSpec(name, session.OutputMetadata[name])).ToArray());
            }
            catch (NotSupportedException ex)
            {
                throw new InvalidModelException(ModelFlavor.Onnx, ex.Message, ex);
            }
        }
    }

    /// <summary>Maps one graph input or output to its spec (shared with <see cref="OnnxModelRuntime"/>).</summary>
    internal static TensorSpec ToSpec(string name, NodeMetadata metadata)
    {
        var optional = false;
        if (metadata.OnnxValueType == OnnxValueType.ONNX_TYPE_OPTIONAL)
        {
            optional = true;
            metadata = metadata.AsOptionalMetadata().ElementMeta;
        }

        return metadata.OnnxValueType switch
        {
            OnnxValueType.ONNX_TYPE_TENSOR => new TensorSpec(name, ElementName(metadata.ElementDataType), Shape(metadata), optional),
            OnnxValueType.ONNX_TYPE_SPARSETENSOR =>
                new TensorSpec(name, $"sparse({ElementName(metadata.ElementDataType)})", Shape(metadata), optional),
            _ => new TensorSpec(name, TypeName(metadata), [], optional),
        };
    }

    private static int[] Shape(NodeMetadata metadata) =>
        metadata.Dimensions.Select(d => d < 0 ? -1 : d).ToArray();

    private static string TypeName(NodeMetadata metadata) => metadata.OnnxValueType switch
    {
        OnnxValueType.ONNX_TYPE_TENSOR or OnnxValueType.ONNX_TYPE_SPARSETENSOR => ElementName(metadata.ElementDataType),
        OnnxValueType.ONNX_TYPE_SEQUENCE => ElementTypes.Sequence(TypeName(metadata.AsSequenceMetadata().ElementMeta)),
        OnnxValueType.ONNX_TYPE_MAP => ElementTypes.Map(
            ElementName(metadata.AsMapMetadata().KeyDataType),
            TypeName(metadata.AsMapMetadata().ValueMetadata)),
        OnnxValueType.ONNX_TYPE_OPTIONAL => $"optional({TypeName(metadata.AsOptionalMetadata().ElementMeta)})",
        _ => throw new NotSupportedException($"the graph uses the value type {metadata.OnnxValueType}, which Ferry does not support."),
    };

    private static string ElementName(TensorElementType type) => type switch
    {
        TensorElementType.Float => ElementTypes.Float32,
        TensorElementType.Double => ElementTypes.Float64,
        TensorElementType.Float16 => ElementTypes.Float16,
        TensorElementType.BFloat16 => ElementTypes.BFloat16,
        TensorElementType.Int8 => ElementTypes.Int8,
        TensorElementType.Int16 => ElementTypes.Int16,
        TensorElementType.Int32 => ElementTypes.Int32,
        TensorElementType.Int64 => ElementTypes.Int64,
        TensorElementType.UInt8 => ElementTypes.UInt8,
        TensorElementType.UInt16 => ElementTypes.UInt16,
        TensorElementType.UInt32 => ElementTypes.UInt32,
        TensorElementType.UInt64 => ElementTypes.UInt64,
        TensorElementType.Bool => ElementTypes.Bool,
        TensorElementType.String => ElementTypes.String,
        _ => throw new NotSupportedException($"the graph uses the element type {type}, which Ferry does not support."),
    };
}
