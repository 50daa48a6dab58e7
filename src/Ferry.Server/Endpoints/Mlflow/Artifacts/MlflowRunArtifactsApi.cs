using Ferry.Core.Artifacts;
using Ferry.Core.Tracking;
using Ferry.Server.Errors;
using Ferry.Server.Identity;

namespace Ferry.Server.Endpoints.Mlflow.Artifacts;

/// <summary>
/// The tracking API's run-relative listing, <c>GET /api/2.0/mlflow/artifacts/list</c> (used by the UI; the
/// Python client lists through the proxy). Mapped on its own groups so it stays apart from the tracking routes.
/// </summary>
public static class MlflowRunArtifactsApi
{
    private const string ProxyScheme = "mlflow-artifacts:";

    /// <summary>Maps <c>artifacts/list</c> under <c>/api/2.0/mlflow</c> and <c>/ajax-api/2.0/mlflow</c> (viewer).</summary>
    public static IEndpointRouteBuilder MapMlflowRunArtifacts(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        foreach (var prefix in new[] { "/api/2.0", "/ajax-api/2.0" })
        {
            var group = routes.MapGroup(prefix + "/mlflow").WithTags("MLflow").RequireAuthorization(FerryPolicies.Viewer);
            if (prefix == "/ajax-api/2.0")
            {
                group.ExcludeFromDescription();
            }

            group.MapGet("/artifacts/list", ListAsync).WithSummary("Lists a run's artifacts, paths relative to the run's root.");
        }

        return routes;
    }

    /// <summary>
    /// <c>{"root_uri", "files"}</c> for <c>run_id</c> (or <c>run_uuid</c>) and an optional run-relative <c>path</c>;
    /// 404 <c>RESOURCE_DOES_NOT_EXIST</c> for an unknown run. Only <c>mlflow-artifacts:</c> URIs are served by this
    /// proxy; a run stored elsewhere lists as empty. Everything comes in one page (no <c>next_page_token</c>).
    /// </summary>
    internal static async Task<IResult> ListAsync(HttpRequest request, ITrackingStore tracking, IArtifactStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tracking);
        var runId = MlflowQuery.RunId(request);
        var path = MlflowQuery.Optional(request, "path");
        var artifactUri = await tracking.FindRunArtifactUriAsync(runId, cancellationToken)
            ?? throw new MlflowException(MlflowErrorCodes.ResourceDoesNotExist, $"Run with id={runId} not found");

        IReadOnlyList<ArtifactFileInfo>? files = null;
        if (StorePathOf(artifactUri) is { } runRoot)
        {
            var relative = ArtifactPath.NormalizeDirectory(path ?? "");
            var directory = ArtifactPath.NormalizeDirectory(Join(runRoot, relative));
            var prefixLength = runRoot.Length == 0 ? 0 : runRoot.Length + 1;
            files = await ArtifactListing.CollectAsync(store, directory, prefixLength, cancellationToken);
        }

        return MlflowJson.Ok(new RunArtifactsResponse(artifactUri, files), ArtifactsJsonContext.Default.RunArtifactsResponse);
    }

    /// <summary>
    /// The store path of an <c>mlflow-artifacts:</c> URI (<c>mlflow-artifacts:/7/r/artifacts</c> and
    /// <c>mlflow-artifacts://host:port/7/r/artifacts</c> both give <c>7/r/artifacts</c>); null for other schemes.
    /// </summary>
    internal static string? StorePathOf(string artifactUri)
    {
        if (!artifactUri.StartsWith(ProxyScheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var rest = artifactUri[ProxyScheme.Length..];
        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            var slash = rest.IndexOf('/', 2);
            rest = slash < 0 ? "" : rest[slash..];
        }

        return ArtifactPath.NormalizeDirectory(Uri.UnescapeDataString(rest.TrimStart('/')));
    }

    private static string Join(string root, string relative) =>
        root.Length == 0 ? relative : relative.Length == 0 ? root : root + "/" + relative;
}
