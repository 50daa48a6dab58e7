using Ferry.Core.Serving;
using Ferry.Core.Signatures;
using Microsoft.ML.OnnxRuntime;

namespace Ferry.Runtimes.Onnx;

/// <summary>
/// An ONNX model ready to score: one <see cref="InferenceSession"/> shared by every caller (ONNX Runtime's
/// <c>Run</c> is thread-safe), with its request fields and output roles worked out once at load time.
/// </summary>
/// <remarks>Inputs are mapped as described on <see cref="OnnxInputPlan"/>, outputs as on <see cref="OnnxOutputPlan"/>.
/// <see cref="ApproximateBytes"/> is twice the file size (ONNX Runtime keeps the initializers and the optimised graph)
/// plus 1 MiB for the session's arenas and plans: an estimate for the cache's budget, not a measurement.</remarks>
public sealed class OnnxLoadedModel : ILoadedModel
{
    private const long SessionOverheadBytes = 1L << 20;

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions; // read-only during runs, so one instance serves every caller
    private readonly OnnxInputPlan _inputs;
    private readonly OnnxOutputPlan _outputs;

    internal OnnxLoadedModel(InferenceSession session, long fileBytes, IReadOnlySet<string>? imputedInputs = null)
    {
        _session = session;
        _inputs = OnnxInputPlan.Create(session, imputedInputs);
        _outputs = OnnxOutputPlan.Create(session);
        Signature = new ModelSignature(
            session.InputNames.Select(name => OnnxSignatureReader.ToSpec(name, session.InputMetadata[name])).ToArray(),
            session.OutputNames.Select(name => OnnxSignatureReader.ToSpec(name, session.OutputMetadata[name])).ToArray());
        ApproximateBytes = (2 * fileBytes) + SessionOverheadBytes;
        _runOptions = new RunOptions();
    }

    /// <inheritdoc />
    public IReadOnlyList<FeatureSpec> Features => _inputs.Features;

    /// <inheritdoc />
    public ModelSignature Signature { get; }

    /// <inheritdoc />
    public long ApproximateBytes { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The batch lacks a column the model needs, or holds it as the wrong array type.</exception>
    public InferenceResult Predict(FeatureBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.RowCount == 0)
        {
            return new InferenceResult([], []);
        }

        using var rented = new RentedBuffers();
        var inputs = _inputs.Bind(batch, rented);
        try
        {
            using var outputs = _session.Run(_runOptions, _inputs.InputNames, inputs, _outputs.OutputNames);
            return _outputs.Map(outputs, batch.RowCount);
        }
        finally
        {
            foreach (var input in inputs)
            {
                input.Dispose();
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }
}
