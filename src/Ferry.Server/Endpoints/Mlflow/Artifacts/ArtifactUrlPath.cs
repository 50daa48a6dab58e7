using Ferry.Core.Artifacts;
using Microsoft.AspNetCore.Http.Features;

namespace Ferry.Server.Endpoints.Mlflow.Artifacts;

/// <summary>
/// Reads the artifact path of <c>…/mlflow-artifacts/artifacts/&lt;path&gt;</c> from the request target exactly
/// as the client sent it, decodes it once, and validates it.
/// </summary>
/// <remarks>
/// The route value alone is not enough: Kestrel removes dot segments after decoding, so
/// <c>a/%2e%2e/b</c> would silently become <c>b</c>. Taking the raw target refuses such paths (400) instead of
/// writing somewhere the client did not name.
/// </remarks>
internal static class ArtifactUrlPath
{
    private const string Marker = "/mlflow-artifacts/artifacts/";

    /// <summary>The validated, decoded artifact path of this request.</summary>
    /// <exception cref="InvalidArtifactPathException">The path is unsafe or not in canonical form.</exception>
    public static string Of(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw))
        {
            // Not Kestrel: the route value is the decoded path.
            return ArtifactPath.Normalize(context.Request.RouteValues["path"] as string ?? "");
        }

        var end = raw.IndexOfAny(['?', '#']);
        var target = end < 0 ? raw : raw[..end];
        var at = target.IndexOf(Marker, StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            throw new InvalidArtifactPathException(target, "the request path is not in canonical form (dot segments or encoded characters before the artifact path)");
        }

        var encoded = target[(at + Marker.Length)..];
        if (encoded.Contains("%2f", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidArtifactPathException(encoded, "it contains the percent-encoded separator '%2F'");
        }

        return ArtifactPath.Normalize(Uri.UnescapeDataString(encoded));
    }

    /// <summary>The last segment of a normalised path.</summary>
    public static string BaseName(string path) => path[(path.LastIndexOf('/') + 1)..];
}
