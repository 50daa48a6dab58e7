namespace Ferry.Client.Artifacts;

/// <summary>Turns <c>mlflow-artifacts:</c> URIs and artifact-root-relative paths into each other and into request paths.</summary>
public static class ArtifactUris
{
    /// <summary>The scheme of artifacts served by Ferry's artifact proxy.</summary>
    public const string Scheme = "mlflow-artifacts:";

    /// <summary>The path relative to the artifact root: <c>mlflow-artifacts:/1/abc/artifacts/x</c> → <c>1/abc/artifacts/x</c>;
    /// a path that is already relative is returned without its leading and trailing slashes.</summary>
    /// <param name="pathOrUri">An <c>mlflow-artifacts:</c> URI (with or without a host) or a relative path.</param>
    /// <exception cref="ArgumentException">Another scheme.</exception>
    public static string ToPath(string pathOrUri)
    {
        ArgumentNullException.ThrowIfNull(pathOrUri);
        var path = pathOrUri;
        if (path.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            path = path[Scheme.Length..];
            if (path.StartsWith("//", StringComparison.Ordinal))
            {
                // mlflow-artifacts://host:port/path: the host only says which server; the path is what counts.
                var slash = path.IndexOf('/', 2);
                path = slash < 0 ? string.Empty : path[slash..];
            }
        }
        else if (path.Contains("://", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{pathOrUri}' is not an mlflow-artifacts: URI or a path under the artifact root.", nameof(pathOrUri));
        }

        return path.Trim('/');
    }

    /// <summary>The <c>mlflow-artifacts:/</c> URI of a path relative to the artifact root.</summary>
    public static string ToUri(string path) => Scheme + "/" + ToPath(path);

    /// <summary>Joins path segments with '/', ignoring empty ones.</summary>
    public static string Combine(params string?[] parts) =>
        string.Join('/', parts.Where(p => !string.IsNullOrEmpty(p)).Select(p => p!.Trim('/')).Where(p => p.Length > 0));

    /// <summary>Each segment percent-encoded, for the request URL.</summary>
    internal static string Encode(string path) =>
        string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
}
