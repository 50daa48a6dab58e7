using Ferry.Core.Registry;
using Ferry.Core.Signatures;
using Ferry.Core.Tracking;
using Ferry.Server.Errors;
using Ferry.Server.Serving;

namespace Ferry.Server.Endpoints.Mlflow.Registry;

/// <summary>What registration learnt from a source: where it lives in Ferry's store and, when a model file is there, its signature.</summary>
/// <param name="ArtifactPath">The relative path in the artifact store, or null for a source outside Ferry.</param>
/// <param name="Flavor">"onnx" or "mlnet" when a model file was read.</param>
/// <param name="SignatureJson">The signature, when read.</param>
internal sealed record ResolvedSource(string? ArtifactPath, string? Flavor, string? SignatureJson);

/// <summary>
/// Resolves a version's source (<c>runs:/</c> through the run's artifact URI, <c>mlflow-artifacts:/</c> into the
/// store) and reads the signature of the model file found there: a <c>*.onnx</c> or ML.NET <c>*.zip</c> at the path
/// or directly under it, or the file an MLflow model directory's <c>MLmodel</c> names (<see cref="ModelFileLocator"/>).
/// A model file that cannot be read is an error (400); no model file is not.
/// </summary>
internal sealed class ModelSourceResolver(IRegistryStore store, IServiceProvider services)
{
    public async Task<ResolvedSource> ResolveAsync(string source, CancellationToken cancellationToken)
    {
        ModelSource.Validate(source);
        var uri = await LoggedModelLocationAsync(source, cancellationToken) ?? source;
        if (ModelSource.TryParseRunsUri(source, out var runId, out var path))
        {
            var run = await store.FindRunAsync(runId, cancellationToken)
                ?? throw new MlflowException(MlflowErrorCodes.ResourceDoesNotExist, $"Run with id={runId} not found");
            uri = ModelSource.Join(run.ArtifactUri, path);
        }

        var relative = ModelSource.ToArtifactPath(uri);
        if (relative is null)
        {
            return new ResolvedSource(null, null, null);
        }

        var files = ModelFiles.For(services);
        var modelFile = await FindModelFileAsync(files, relative, cancellationToken);
        if (modelFile is null)
        {
            return new ResolvedSource(relative, null, null);
        }

        var flavor = modelFile.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? ModelFlavor.Onnx : ModelFlavor.MLNet;
        var reader = services.GetServices<IModelSignatureReader>().FirstOrDefault(r => r.Flavor == flavor);
        if (reader is null)
        {
            return new ResolvedSource(relative, null, null);
        }

        await using var stream = await files.OpenReadAsync(modelFile, cancellationToken);
        var signature = await reader.ReadAsync(stream, cancellationToken);
        return new ResolvedSource(relative, WireName(flavor), signature.ToJson());
    }

    /// <summary>The logged model a <c>models:/&lt;model_id&gt;</c> source names, or null for any other source.</summary>
    /// <exception cref="Core.Errors.NotFoundException">It names a logged model that does not exist.</exception>
    public async Task<LoggedModel?> FindLoggedModelAsync(string source, CancellationToken cancellationToken) =>
        LoggedModelId(source) is { } modelId
            ? await services.GetRequiredService<ILoggedModelStore>().GetAsync(modelId, cancellationToken: cancellationToken)
            : null;

    /// <summary>The id in <c>models:/m-&lt;hex&gt;</c> (MLflow 3's logged-model URI), or null.</summary>
    public static string? LoggedModelId(string source)
    {
        const string Scheme = "models:/";
        if (!source.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return null;
        }

        var id = source[Scheme.Length..].TrimEnd('/');
        return id.StartsWith("m-", StringComparison.Ordinal) && id.Length > 2 && !id.Contains('/', StringComparison.Ordinal) && !id.Contains('@', StringComparison.Ordinal) ? id : null;
    }

    private async Task<string?> LoggedModelLocationAsync(string source, CancellationToken cancellationToken) =>
        (await FindLoggedModelAsync(source, cancellationToken))?.ArtifactLocation;

    /// <summary>The flavor's stored name.</summary>
    public static string WireName(ModelFlavor flavor) => flavor == ModelFlavor.Onnx ? "onnx" : "mlnet";

    // The model file under the source, by the rule serving uses (ModelFileLocator): an MLflow model directory is read
    // by its MLmodel's flavors. One with only Python flavors registers (no model file, no flavor); deploying it is refused.
    private static async Task<string?> FindModelFileAsync(ModelFiles files, string relative, CancellationToken cancellationToken) =>
        (await ModelFileLocator.FindAsync(files.Store, relative, cancellationToken)).File;
}
