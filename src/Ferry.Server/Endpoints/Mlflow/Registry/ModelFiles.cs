using Ferry.Core.Artifacts;

namespace Ferry.Server.Endpoints.Mlflow.Registry;

/// <summary>
/// Read access to Ferry's artifact store for registration: the <see cref="IArtifactStore"/> registered in DI.
/// </summary>
internal abstract class ModelFiles
{
    /// <summary>The store itself, for lookups shared with serving (<see cref="Ferry.Server.Serving.ModelFileLocator"/>).</summary>
    public abstract IArtifactStore Store { get; }

    public abstract Task<bool> IsFileAsync(string path, CancellationToken cancellationToken);

    public abstract IAsyncEnumerable<ArtifactEntry> ListAsync(string directory, CancellationToken cancellationToken);

    public abstract Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken);

    public static ModelFiles For(IServiceProvider services) => new StoreFiles(services.GetRequiredService<IArtifactStore>());

    private sealed class StoreFiles(IArtifactStore store) : ModelFiles
    {
        public override IArtifactStore Store => store;

        public override async Task<bool> IsFileAsync(string path, CancellationToken cancellationToken) =>
            path.Length > 0 && await store.GetInfoAsync(path, cancellationToken) is not null;

        public override IAsyncEnumerable<ArtifactEntry> ListAsync(string directory, CancellationToken cancellationToken) =>
            store.ListAsync(directory, recursive: false, cancellationToken);

        public override Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken) => store.OpenReadAsync(path, cancellationToken);
    }
}
