using Ferry.Core.Serving;

namespace Ferry.Server.Serving;

/// <summary>Finding a version's model file in the artifact store.</summary>
public sealed partial class ModelCache
{
    // A version's artifact path is the model file itself or a directory holding it (an MLflow model directory);
    // the choice is registration's (ModelFileLocator).
    private async Task<string> ModelFileAsync(string artifactPath) =>
        (await ModelFileLocator.FindAsync(_artifacts, artifactPath, CancellationToken.None)).File
            ?? throw new InvalidOperationException($"No ONNX or ML.NET model file is at '{artifactPath}' in the artifact store.");

    /// <summary>Opens a version's model file (for readers of its graph or trees, such as explanations).</summary>
    public async Task<Stream> OpenModelFileAsync(ResolvedRoute route, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(route);
        return await _artifacts.OpenReadAsync(await ModelFileAsync(route.ArtifactPath), cancellationToken);
    }
}
