namespace Ferry.Core.Signatures;

/// <summary>
/// Reads the typed input/output schema of a model file of one flavor, so that registering a version records what
/// the model accepts and returns. Implementations live beside each runtime (<c>Ferry.Runtimes.Onnx</c>,
/// <c>Ferry.Runtimes.MLNet</c>) and are safe to call concurrently.
/// </summary>
public interface IModelSignatureReader
{
    /// <summary>The flavor this reader understands.</summary>
    ModelFlavor Flavor { get; }

    /// <summary>Reads the signature of the model in <paramref name="model"/>, which is read to its end and not closed.</summary>
    /// <param name="model">The model file's bytes.</param>
    /// <param name="cancellationToken">Stops reading the stream.</param>
    /// <returns>The model's inputs and outputs, in the order the model declares them.</returns>
    /// <exception cref="InvalidModelException">The file is corrupt, not a model of this flavor, or too large.</exception>
    Task<ModelSignature> ReadAsync(Stream model, CancellationToken cancellationToken = default);
}
