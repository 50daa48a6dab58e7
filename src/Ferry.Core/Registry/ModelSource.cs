using Ferry.Core.Artifacts;
using Ferry.Core.Errors;

namespace Ferry.Core.Registry;

/// <summary>
/// Reads a model version's <c>source</c>: <c>runs:/&lt;run&gt;/&lt;path&gt;</c> names a path under a run's artifact URI,
/// and <c>mlflow-artifacts:/&lt;p&gt;</c> names <c>&lt;p&gt;</c> in Ferry's artifact store. Sources with a <c>..</c>
/// segment or a NUL are refused wherever they point.
/// </summary>
public static class ModelSource
{
    /// <summary>The scheme of run-relative sources.</summary>
    public const string RunsScheme = "runs:";

    /// <summary>The scheme of Ferry's artifact proxy.</summary>
    public const string ArtifactsScheme = "mlflow-artifacts:";

    /// <summary>Refuses a source with a <c>..</c> segment or a NUL, raw or percent-decoded.</summary>
    /// <exception cref="ValidationException">The source is empty or unsafe (field <c>source</c>).</exception>
    public static void Validate(string source)
    {
        if (string.IsNullOrWhiteSpace(source))
        {
            throw new ValidationException("source", "must not be empty");
        }

        foreach (var text in new[] { source, Uri.UnescapeDataString(source) })
        {
            if (text.Contains('\0', StringComparison.Ordinal))
            {
                throw new ValidationException("source", "must not contain a NUL character");
            }

            if (text.Replace('\\', '/').Split('/', '?', '#').Any(segment => segment == ".."))
            {
                throw new ValidationException("source", $"'{source}' has a '..' segment");
            }
        }
    }

    /// <summary>Splits <c>runs:/&lt;run&gt;/&lt;path&gt;</c>; false for other schemes.</summary>
    public static bool TryParseRunsUri(string source, out string runId, out string path)
    {
        ArgumentNullException.ThrowIfNull(source);
        runId = path = string.Empty;
        if (!source.StartsWith(RunsScheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = source[RunsScheme.Length..].TrimStart('/');
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        runId = slash < 0 ? rest : rest[..slash];
        path = slash < 0 ? string.Empty : rest[(slash + 1)..].Trim('/');
        return runId.Length > 0 ? true : throw new ValidationException("source", $"'{source}' names no run");
    }

    /// <summary>Appends a relative path to an artifact URI.</summary>
    public static string Join(string artifactUri, string path)
    {
        ArgumentNullException.ThrowIfNull(artifactUri);
        return string.IsNullOrEmpty(path) ? artifactUri : artifactUri.TrimEnd('/') + "/" + path.TrimStart('/');
    }

    /// <summary>
    /// The artifact-store path of an <c>mlflow-artifacts:</c> URI (a host part, if any, is ignored), or null for a
    /// URI pointing elsewhere (<c>s3://</c>, <c>models:/</c>, a local path).
    /// </summary>
    /// <exception cref="InvalidArtifactPathException">The path is not a valid artifact path.</exception>
    public static string? ToArtifactPath(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.StartsWith(ArtifactsScheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var rest = uri[ArtifactsScheme.Length..];
        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            var slash = rest.IndexOf('/', 2);
            rest = slash < 0 ? string.Empty : rest[slash..];
        }

        return ArtifactPath.NormalizeDirectory(rest.Trim('/'));
    }
}
