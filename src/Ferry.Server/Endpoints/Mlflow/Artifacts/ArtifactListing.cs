using Ferry.Core.Artifacts;

namespace Ferry.Server.Endpoints.Mlflow.Artifacts;

/// <summary>The proxy's listing, <c>GET …/artifacts?path=&lt;dir&gt;</c>.</summary>
internal static class ArtifactListing
{
    /// <summary>
    /// The direct entries of <c>path</c> (the root when absent), each named by its basename: the client joins
    /// them to the directory it asked for. An empty or missing directory, or a path that is a file, answers
    /// <c>{}</c>: the client takes a non-empty listing to mean "this is a directory".
    /// </summary>
    public static async Task<IResult> ListAsync(HttpRequest request, IArtifactStore store, CancellationToken cancellationToken)
    {
        var directory = ArtifactPath.NormalizeDirectory(MlflowQuery.Optional(request, "path") ?? "");
        var files = await CollectAsync(store, directory, prefixLength: directory.Length == 0 ? 0 : directory.Length + 1, cancellationToken);
        return MlflowJson.Ok(new ListArtifactsResponse(files), ArtifactsJsonContext.Default.ListArtifactsResponse);
    }

    /// <summary>
    /// Lists <paramref name="directory"/> (already normalised), naming each entry by its path with the first
    /// <paramref name="prefixLength"/> characters removed; null when there are no entries.
    /// </summary>
    public static async Task<IReadOnlyList<ArtifactFileInfo>?> CollectAsync(IArtifactStore store, string directory, int prefixLength, CancellationToken cancellationToken)
    {
        var files = new List<ArtifactFileInfo>();
        await foreach (var entry in store.ListAsync(directory, recursive: false, cancellationToken))
        {
            files.Add(new ArtifactFileInfo(entry.Path[prefixLength..], entry.IsDirectory, entry.IsDirectory ? null : entry.Length));
        }

        return files.Count == 0 ? null : files;
    }
}
