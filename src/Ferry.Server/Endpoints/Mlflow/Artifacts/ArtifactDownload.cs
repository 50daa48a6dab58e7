using Ferry.Core.Artifacts;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace Ferry.Server.Endpoints.Mlflow.Artifacts;

/// <summary>The proxy's download: the file's bytes, streamed, always as an attachment.</summary>
internal static class ArtifactDownload
{
    private const string FallbackContentType = "application/octet-stream";
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    /// <summary>
    /// Streams a stored file with a content type guessed from its extension, <c>Content-Disposition: attachment</c>
    /// (so a browser never renders it on Ferry's origin) and <c>nosniff</c>; 404 <c>RESOURCE_DOES_NOT_EXIST</c> when missing.
    /// </summary>
    public static async Task<IResult> DownloadAsync(HttpContext context, IArtifactStore store, CancellationToken cancellationToken)
    {
        var path = ArtifactUrlPath.Of(context);
        var content = await store.OpenReadAsync(path, cancellationToken); // NotFoundException → 404 in MLflow's shape
        var name = ArtifactUrlPath.BaseName(path);
        context.Response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
        return TypedResults.Stream(content, ContentTypeOf(name), fileDownloadName: name, enableRangeProcessing: true);
    }

    /// <summary>The MIME type for a file name, <c>application/octet-stream</c> when the extension is unknown.</summary>
    public static string ContentTypeOf(string fileName) =>
        ContentTypes.TryGetContentType(fileName, out var type) ? type : FallbackContentType;
}
