using Ferry.Core.Signatures;

namespace Ferry.Core.Serving;

/// <summary>
/// Port: loads a model version of one flavor for serving. Implementations: ONNX Runtime ("onnx") and ML.NET
/// ("mlnet"). A loaded model is shared by every request (thread-safe) and disposed only after its replacement
/// was loaded (load-before-retire).
/// </summary>
public interface IModelRuntime
{
    /// <summary>The flavor this runtime serves ("onnx" or "mlnet", as stored on the model version).</summary>
    string Flavor { get; }

    /// <summary>Loads a model from its file's bytes. A file that cannot be served raises <see cref="InvalidModelException"/>.</summary>
    Task<ILoadedModel> LoadAsync(Stream model, CancellationToken cancellationToken = default);
}

/// <summary>A model ready to score; thread-safe.</summary>
public interface ILoadedModel : IDisposable
{
    /// <summary>The fields a request record must carry, in the model's order, with their types.</summary>
    IReadOnlyList<FeatureSpec> Features { get; }

    /// <summary>The model's raw inputs and outputs (for the Open Inference Protocol's metadata).</summary>
    ModelSignature Signature { get; }

    /// <summary>An estimate of the memory the loaded model holds, in bytes (for the cache's budget).</summary>
    long ApproximateBytes { get; }

    /// <summary>Scores a batch of already-validated rows.</summary>
    InferenceResult Predict(FeatureBatch batch);
}
