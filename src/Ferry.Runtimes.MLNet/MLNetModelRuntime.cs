using Ferry.Core.Serving;
using Ferry.Core.Signatures;
using Microsoft.ML;

namespace Ferry.Runtimes.MLNet;

/// <summary>
/// Serves ML.NET model zips ("mlnet"). The zip must carry its input schema (saved with
/// <c>MLContext.Model.Save(model, inputSchema, stream)</c>), from which the request fields are derived.
/// </summary>
/// <remarks>How the schema becomes fields and the output columns become predictions is described on
/// <see cref="MLNetLoadedModel"/>.</remarks>
public sealed class MLNetModelRuntime : IModelRuntime
{
    private readonly MLNetModelRuntimeOptions _options;

    /// <summary>Creates the runtime.</summary>
    /// <param name="options">Limits; the defaults when null.</param>
    public MLNetModelRuntime(MLNetModelRuntimeOptions? options = null)
    {
        _options = options ?? new MLNetModelRuntimeOptions();
        ModelBytes.CheckLimit(_options.MaxModelBytes, nameof(options));
    }

    /// <inheritdoc />
    public string Flavor => "mlnet";

    /// <inheritdoc />
    public async Task<ILoadedModel> LoadAsync(Stream model, CancellationToken cancellationToken = default)
    {
        var bytes = await ModelBytes.ReadAsync(model, _options.MaxModelBytes, ModelFlavor.MLNet, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();

        var signature = await new MLNetSignatureReader(new MLNetSignatureReaderOptions { MaxModelBytes = _options.MaxModelBytes })
            .ReadAsync(new MemoryStream(bytes, writable: false), cancellationToken);
        var transformer = MLNetSignatureReader.Load(new MLContext(seed: 0), bytes, out var inputSchema);
        return new MLNetLoadedModel(transformer, inputSchema!, signature, bytes.LongLength);
    }
}
