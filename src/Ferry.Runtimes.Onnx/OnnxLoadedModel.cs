using System.Collections.Concurrent;
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
/// plus 1 MiB for the session's arenas and plans: an estimate for the cache's budget, not a measurement.
/// A one-row batch (the common single-record request) is scored with pooled <see cref="OnnxRowInputs"/>: input
/// tensors made once over pinned buffers and refilled, at most <see cref="MaxPooledRowInputs"/> kept; larger batches
/// bind fresh tensors (<see cref="OnnxInputPlan.Bind"/>).</remarks>
public sealed class OnnxLoadedModel : ILoadedModel
{
    /// <summary>Most pooled one-row input sets kept (one per concurrent single-row run is enough).</summary>
    internal const int MaxPooledRowInputs = 64;

    private const long SessionOverheadBytes = 1L << 20;

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions; // read-only during runs, so one instance serves every caller
    private readonly OnnxInputPlan _inputs;
    private readonly OnnxOutputPlan _outputs;
    private readonly ConcurrentBag<OnnxRowInputs> _rowInputs = [];
    private int _pooledRowInputs;
    private volatile bool _disposed;

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

        if (batch.RowCount == 1)
        {
            return PredictOne(batch);
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
        _disposed = true;
        DrainRowInputs();
        _session.Dispose();
        _runOptions.Dispose();
    }

    // One row: a pooled set of input tensors refilled in place, instead of one new tensor per input per request.
    private InferenceResult PredictOne(FeatureBatch batch)
    {
        var inputs = RentRowInputs();
        try
        {
            inputs.Fill(batch);
            using var outputs = _session.Run(_runOptions, _inputs.InputNames, inputs.Values, _outputs.OutputNames);
            return _outputs.Map(outputs, 1);
        }
        finally
        {
            ReturnRowInputs(inputs);
        }
    }

    private OnnxRowInputs RentRowInputs()
    {
        if (_rowInputs.TryTake(out var pooled))
        {
            Interlocked.Decrement(ref _pooledRowInputs);
            return pooled;
        }

        return new OnnxRowInputs(_inputs.Bindings);
    }

    private void ReturnRowInputs(OnnxRowInputs inputs)
    {
        if (!_disposed)
        {
            if (Interlocked.Increment(ref _pooledRowInputs) <= MaxPooledRowInputs)
            {
                _rowInputs.Add(inputs);
                if (_disposed)
                {
                    DrainRowInputs(); // disposed meanwhile: nothing will take it again
                }

                return;
            }

            Interlocked.Decrement(ref _pooledRowInputs);
        }

        inputs.Dispose();
    }

    private void DrainRowInputs()
    {
        while (_rowInputs.TryTake(out var inputs))
        {
            inputs.Dispose();
        }
    }
}
