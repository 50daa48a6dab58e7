using Ferry.Artifacts.FileSystem;
using Ferry.Core.Artifacts;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Artifacts;

/// <summary>Picks the <see cref="IArtifactStore"/> from the scheme of <see cref="ArtifactStoreOptions.Root"/>.</summary>
public static class ArtifactStoreRegistration
{
    /// <summary>The artifact root used when none is configured: <c>file://&lt;data-dir&gt;/artifacts</c>.</summary>
    public static string DefaultRoot(string dataDirectory) =>
        new Uri(Path.GetFullPath(Path.Combine(dataDirectory, "artifacts"))).AbsoluteUri;

    /// <summary>
    /// The local directory a <c>file://</c> root (or a plain path) names.
    /// </summary>
    /// <exception cref="ArgumentException">The root uses a scheme Ferry cannot store artifacts in (yet).</exception>
    public static string ResolveDirectory(string? artifactRoot, string dataDirectory)
    {
        var root = string.IsNullOrWhiteSpace(artifactRoot) ? DefaultRoot(dataDirectory) : artifactRoot.Trim();
        var colon = root.IndexOf("://", StringComparison.Ordinal);
        if (colon < 0)
        {
            return Path.GetFullPath(root); // a plain path
        }

        var scheme = root[..colon].ToLowerInvariant();
        return scheme switch
        {
            "file" when Uri.TryCreate(root, UriKind.Absolute, out var uri) && string.IsNullOrEmpty(uri.Host) => uri.LocalPath,
            "file" when Uri.TryCreate(root, UriKind.Absolute, out var uri) && uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) =>
                Path.GetFullPath(Uri.UnescapeDataString(uri.AbsolutePath)),
            "file" => throw new ArgumentException($"The artifact root '{root}' is not a local file:// URI (expected file:///absolute/path).", nameof(artifactRoot)),
            "s3" => throw new ArgumentException($"The artifact root '{root}' uses s3://, which is not supported yet; use a file:// root (for example a mounted volume).", nameof(artifactRoot)),
            _ => throw new ArgumentException($"The artifact root '{root}' uses {scheme}://, which is not supported; use a file:// root.", nameof(artifactRoot)),
        };
    }

    /// <summary>
    /// Registers <see cref="ArtifactStoreOptions"/> (section <see cref="ArtifactStoreOptions.Section"/>, checked at start-up,
    /// so a bad root fails then rather than on the first upload) and the store as a singleton.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="dataDirectory">The server's data directory, whose <c>artifacts</c> folder is the default root.</param>
    public static IServiceCollection AddFerryArtifactStore(this IServiceCollection services, string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        services.AddOptions<ArtifactStoreOptions>().BindConfiguration(ArtifactStoreOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ArtifactStoreOptions>, ArtifactStoreOptionsValidator>();
        return services.AddSingleton<IArtifactStore>(provider =>
            new FileSystemArtifactStore(ResolveDirectory(provider.GetRequiredService<IOptions<ArtifactStoreOptions>>().Value.Root, dataDirectory),
                provider.GetRequiredService<TimeProvider>()));
    }
}
