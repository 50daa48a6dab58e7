using Ferry.Core.Serving;
using Ferry.Core.Signatures;
using Microsoft.ML.OnnxRuntime;

namespace Ferry.Runtimes.Onnx;

/// <summary>
/// Serves ONNX models ("onnx") with ONNX Runtime: one shared, thread-safe <see cref="InferenceSession"/> per loaded
/// model, opened with all graph optimisations and one intra-op thread unless <see cref="OnnxModelRuntimeOptions"/>
/// says otherwise.
/// </summary>
/// <remarks>How graph inputs become request fields and outputs become predictions is described on
/// <see cref="OnnxLoadedModel"/>.</remarks>
public sealed class OnnxModelRuntime : IModelRuntime
{
    private readonly OnnxModelRuntimeOptions _options;

    /// <summary>Creates the runtime.</summary>
    /// <param name="options">Session settings; the defaults when null.</param>
    public OnnxModelRuntime(OnnxModelRuntimeOptions? options = null)
    {
        _options = options ?? new OnnxModelRuntimeOptions();
        ModelBytes.CheckLimit(_options.MaxModelBytes, nameof(options));

        ArgumentOutOfRangeException.ThrowIfLessThan(_options.IntraOpNumThreads, 0, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.InterOpNumThreads, 0, nameof(options));
    }

    /// <inheritdoc />
    public string Flavor => "onnx";

    /// <inheritdoc />
    public async Task<ILoadedModel> LoadAsync(Stream model, CancellationToken cancellationToken = default)
    {
        var bytes = await ModelBytes.ReadAsync(model, _options.MaxModelBytes, ModelFlavor.Onnx, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();

        using var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = _options.IntraOpNumThreads,
            InterOpNumThreads = _options.InterOpNumThreads,
            ExecutionMode = _options.InterOpNumThreads > 1 ? ExecutionMode.ORT_PARALLEL : ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = _options.GraphOptimizationLevel,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
        };
        var session = OpenSession(bytes, sessionOptions);

        try
        {
            return new OnnxLoadedModel(session, bytes.LongLength, OnnxImputedInputs.Find(bytes, session.InputNames));
        }
        catch (Exception ex) when (ex is InvalidModelException or NotSupportedException or OnnxRuntimeException)
        {
            session.Dispose();
            throw ex as InvalidModelException ?? new InvalidModelException(ModelFlavor.Onnx, FirstLine(ex.Message), ex);
        }
    }

    /// <summary>Opens a session on a model file, refusing one ONNX Runtime cannot load as an invalid model.</summary>
    internal static InferenceSession OpenSession(byte[] bytes, SessionOptions options)
    {
        try
        {
            return new InferenceSession(bytes, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InvalidModelException(ModelFlavor.Onnx, FirstLine(ex.Message), ex);
        }
    }

    internal static string FirstLine(string message)
    {
        var line = message.AsSpan().Trim();
        var end = line.IndexOfAny('\r', '\n');
        return (end < 0 ? line : line[..end]).ToString();
    }
}
