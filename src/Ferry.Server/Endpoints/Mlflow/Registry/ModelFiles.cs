using System.Runtime.CompilerServices;
using Ferry.Core.Artifacts;
using Ferry.Core.Errors;
using Ferry.Server.Hosting;

namespace Ferry.Server.Endpoints.Mlflow.Registry;

/// <summary>
/// Read access to Ferry's artifact store for registration: the <see cref="IArtifactStore"/> registered in DI, or,
/// when none is, the files under <c>&lt;data-dir&gt;/artifacts</c> (where the default store keeps them).
/// </summary>
internal abstract class ModelFiles
{
    public abstract Task<bool> IsFileAsync(string path, CancellationToken cancellationToken);

    public abstract IAsyncEnumerable<ArtifactEntry> ListAsync(string directory, CancellationToken cancellationToken);

    public abstract Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken);

    public static ModelFiles For(IServiceProvider services) =>
        services.GetService<IArtifactStore>() is { } store
            ? new StoreFiles(store)
            : new DirectoryFiles(Path.Join(services.GetRequiredService<FerryServerOptions>().DataDirectory, "artifacts"));

    private sealed class StoreFiles(IArtifactStore store) : ModelFiles
    {
        public override async Task<bool> IsFileAsync(string path, CancellationToken cancellationToken) =>
            path.Length > 0 && await store.GetInfoAsync(path, cancellationToken) is not null;

        public override IAsyncEnumerable<ArtifactEntry> ListAsync(string directory, CancellationToken cancellationToken) =>
            store.ListAsync(directory, recursive: false, cancellationToken);

        public override Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken) => store.OpenReadAsync(path, cancellationToken);
    }

    private sealed class DirectoryFiles(string root) : ModelFiles
    {
        public override Task<bool> IsFileAsync(string path, CancellationToken cancellationToken) =>
            Task.FromResult(path.Length > 0 && File.Exists(Full(path)));

        public override async IAsyncEnumerable<ArtifactEntry> ListAsync(string directory, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.CompletedTask;
            var full = directory.Length == 0 ? root : Full(directory);
            if (!Directory.Exists(full))
            {
                yield break;
            }

            foreach (var file in Directory.EnumerateFiles(full).Order(StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var name = Path.GetFileName(file);
                yield return new ArtifactEntry(directory.Length == 0 ? name : directory + "/" + name, false, new FileInfo(file).Length);
            }
        }

        public override Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken)
        {
            var full = Full(path);
            return File.Exists(full)
                ? Task.FromResult<Stream>(File.OpenRead(full))
                : throw new NotFoundException($"No artifact at '{path}'.");
        }

        private string Full(string relative)
        {
            var full = Path.GetFullPath(Path.Join(root, ArtifactPath.Normalize(relative)));
            return full.StartsWith(Path.GetFullPath(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                ? full
                : throw new InvalidArtifactPathException(relative, "it leaves the artifact root");
        }
    }
}
