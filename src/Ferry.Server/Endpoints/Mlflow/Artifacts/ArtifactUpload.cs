using Ferry.Core.Artifacts;
using Ferry.Server.Artifacts;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Endpoints.Mlflow.Artifacts;

/// <summary>The proxy's writes: <c>PUT</c> (upload) and <c>DELETE</c>.</summary>
internal static class ArtifactUpload
{
    /// <summary>
    /// Streams the raw body (any content type, <c>Content-Length</c> or chunked) into the store and answers
    /// <c>{}</c>. This route alone lifts Kestrel's ordinary body limit, to <see cref="ArtifactStoreOptions.MaxUploadBytes"/>.
    /// </summary>
    public static async Task<IResult> UploadAsync(HttpContext context, IArtifactStore store, IOptions<ArtifactStoreOptions> options, CancellationToken cancellationToken)
    {
        // Before anything reads the body: once reading starts the limit is fixed.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.Value.MaxUploadBytes;
        }

        var path = ArtifactUrlPath.Of(context);
        await store.PutAsync(path, context.Request.Body, cancellationToken);
        return MlflowJson.Empty();
    }

    /// <summary>Deletes a file or a directory tree; <c>{}</c> whether or not anything was there (as MLflow does).</summary>
    public static async Task<IResult> DeleteAsync(HttpContext context, IArtifactStore store, CancellationToken cancellationToken)
    {
        await store.DeleteAsync(ArtifactUrlPath.Of(context), cancellationToken);
        return MlflowJson.Empty();
    }
}
