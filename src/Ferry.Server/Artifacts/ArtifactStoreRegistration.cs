using Ferry.Artifacts.FileSystem;
using Ferry.Artifacts.S3;
using Ferry.Core.Artifacts;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Artifacts;

/// <summary>Picks the <see cref="IArtifactStore"/> from the scheme of <see cref="ArtifactStoreOptions.Root"/>.</summary>
public static partial class ArtifactStoreRegistration
{
    /// <summary>The artifact root used when none is configured: <c>file://&lt;data-dir&gt;/artifacts</c>.</summary>
    public static string DefaultRoot(string dataDirectory) =>
        new Uri(Path.GetFullPath(Path.Combine(dataDirectory, "artifacts"))).AbsoluteUri;

    /// <summary>
    /// The local directory a <c>file://</c> root (or a plain path) names.
    /// </summary>
    /// <exception cref="ArgumentException">The root is not a directory (an s3:// root, or a scheme Ferry cannot store artifacts in).</exception>
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
            "s3" => throw new ArgumentException($"The artifact root '{root}' is an s3:// root, not a directory.", nameof(artifactRoot)),
            _ => throw new ArgumentException($"The artifact root '{root}' uses {scheme}://, which is not supported; use a file:// or an s3:// root.", nameof(artifactRoot)),
        };
    }

    /// <summary>Whether the root names an S3 bucket (<c>s3://bucket/prefix</c>).</summary>
    public static bool IsS3(string? artifactRoot) =>
        artifactRoot is not null && artifactRoot.TrimStart().StartsWith(S3ArtifactLocation.Scheme + "://", StringComparison.OrdinalIgnoreCase);

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
        {
            var options = provider.GetRequiredService<IOptions<ArtifactStoreOptions>>().Value;
            if (IsS3(options.Root))
            {
                // Region and credentials: the AWS SDK's default chain; the endpoint: AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL.
                var store = S3ArtifactStore.Create(options.Root!.Trim(), options.S3, Environment.GetEnvironmentVariable);
                var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ArtifactStoreRegistration));
                var location = store.Location.ToString();
                var endpoint = S3ArtifactStore.EndpointOf(options.S3, Environment.GetEnvironmentVariable) ?? "AWS S3";
                LogS3Store(logger, location, endpoint);
                return store;
            }

            return new FileSystemArtifactStore(ResolveDirectory(options.Root, dataDirectory), provider.GetRequiredService<TimeProvider>());
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Artifacts are stored in {Root} at {Endpoint}")]
    private static partial void LogS3Store(ILogger logger, string root, string endpoint);
}
