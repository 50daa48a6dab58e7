namespace Ferry.Core.Artifacts;

/// <summary>Facts about one stored artifact file.</summary>
/// <param name="Path">Its normalised relative path ('/'-separated).</param>
/// <param name="Length">Size in bytes.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of its content, computed while it was written.</param>
/// <param name="LastModified">When it was last written.</param>
public sealed record ArtifactInfo(string Path, long Length, string Sha256, DateTimeOffset LastModified);

/// <summary>One entry of a listing: a file (with its size) or a directory.</summary>
/// <param name="Path">Normalised relative path.</param>
/// <param name="IsDirectory">True for a directory.</param>
/// <param name="Length">Size in bytes for a file; null for a directory.</param>
public sealed record ArtifactEntry(string Path, bool IsDirectory, long? Length);

/// <summary>
/// Port: stores artifact streams under relative paths. Implementations are picked by URI scheme
/// (<c>file://</c> by default). Every path goes through <c>ArtifactPath.Normalize</c>: one that would
/// escape the store's root is refused with <see cref="InvalidArtifactPathException"/>.
/// </summary>
public interface IArtifactStore
{
    /// <summary>Writes <paramref name="content"/> atomically (readers see the old file or the whole new one), streaming, and records its SHA-256.</summary>
    Task<ArtifactInfo> PutAsync(string path, Stream content, CancellationToken cancellationToken = default);

    /// <summary>Opens a stored file for reading.</summary>
    /// <exception cref="Errors.NotFoundException">No file at that path.</exception>
    Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Facts about a stored file, or null when there is none.</summary>
    Task<ArtifactInfo?> GetInfoAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Lists the entries directly under <paramref name="directory"/> ("" for the root), or every file below it when <paramref name="recursive"/>.</summary>
    IAsyncEnumerable<ArtifactEntry> ListAsync(string directory, bool recursive = false, CancellationToken cancellationToken = default);

    /// <summary>Deletes a file, or a directory with everything below it. False when nothing was there.</summary>
    Task<bool> DeleteAsync(string path, CancellationToken cancellationToken = default);
}
