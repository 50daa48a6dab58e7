using Ferry.Core.Artifacts;
using Ferry.Core.Errors;

namespace Ferry.Server.Serving;

/// <summary>Where a version's model file is, and the MLmodel of its directory when it is an MLflow model.</summary>
/// <param name="File">The ONNX or ML.NET file's store path, or null when there is none.</param>
/// <param name="Mlmodel">The directory's MLmodel, or null when it has none.</param>
public sealed record ModelLocation(string? File, MlflowModel? Mlmodel);

/// <summary>
/// Finds the model file of a version's artifact path, the one rule registration and serving share: the path itself
/// when it is an <c>*.onnx</c> or <c>*.zip</c> file; in a directory with an <c>MLmodel</c> whose <c>onnx</c> flavor
/// names a file, that file; else the first <c>*.onnx</c> directly in the directory in name order, else the first
/// <c>*.zip</c> (an ML.NET model beside an MLmodel, or a plain directory).
/// </summary>
public static class ModelFileLocator
{
    /// <summary>Locates the model file under <paramref name="artifactPath"/>.</summary>
    /// <exception cref="ValidationException">The MLmodel is malformed, or its onnx flavor names a file outside the directory or not there.</exception>
    public static async Task<ModelLocation> FindAsync(IArtifactStore store, string artifactPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(artifactPath);
        if (artifactPath.Length > 0 && await store.GetInfoAsync(artifactPath, cancellationToken) is not null)
        {
            return new ModelLocation(IsModelFile(artifactPath) ? artifactPath : null, null);
        }

        var mlmodel = await MlflowModel.ReadAsync(store, artifactPath, cancellationToken);
        if (mlmodel?.OnnxFile(artifactPath) is { } named)
        {
            return await store.GetInfoAsync(named, cancellationToken) is not null
                ? new ModelLocation(named, mlmodel)
                : throw new ValidationException(MlflowModel.FileName, $"flavors.onnx.data names '{mlmodel.OnnxData}', which is not in the model directory");
        }

        var candidates = new List<string>();
        await foreach (var entry in store.ListAsync(artifactPath, recursive: false, cancellationToken))
        {
            if (!entry.IsDirectory && IsModelFile(entry.Path))
            {
                candidates.Add(entry.Path);
            }
        }

        candidates.Sort(StringComparer.Ordinal);
        var file = candidates.FirstOrDefault(p => p.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)) ?? candidates.FirstOrDefault();
        return new ModelLocation(file, mlmodel);
    }

    /// <summary>An ONNX (<c>*.onnx</c>) or ML.NET (<c>*.zip</c>) file name.</summary>
    public static bool IsModelFile(string path) =>
        path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase);
}
