using Ferry.Core.Serving;

namespace Ferry.Server.Serving;

/// <summary>Finding a version's model file in the artifact store.</summary>
public sealed partial class ModelCache
{
    // A version's artifact path is the model file itself or a directory holding it (an MLflow model directory);
    // the choice matches registration's: the first .onnx file in name order, else the first .zip.
    private async Task<string> ModelFileAsync(string artifactPath)
    {
        if (IsModelFile(artifactPath) && await _artifacts.GetInfoAsync(artifactPath) is not null)
        {
            return artifactPath;
        }

        var candidates = new List<string>();
        await foreach (var entry in _artifacts.ListAsync(artifactPath))
        {
            if (!entry.IsDirectory && IsModelFile(entry.Path))
            {
                candidates.Add(entry.Path);
            }
        }

        candidates.Sort(StringComparer.Ordinal);
        return candidates.FirstOrDefault(p => p.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            ?? candidates.FirstOrDefault()
            ?? throw new InvalidOperationException($"No ONNX or ML.NET model file is at '{artifactPath}' in the artifact store.");
    }

    /// <summary>Opens a version's model file (for readers of its graph or trees, such as explanations).</summary>
    public async Task<Stream> OpenModelFileAsync(ResolvedRoute route, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(route);
        return await _artifacts.OpenReadAsync(await ModelFileAsync(route.ArtifactPath), cancellationToken);
    }

    private static bool IsModelFile(string path) =>
        path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase);
}
