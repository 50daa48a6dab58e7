using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using Ferry.Core.Artifacts;
using Ferry.Core.Errors;

namespace Ferry.Artifacts.FileSystem;

/// <summary>
/// Stores artifacts as plain files under a root directory (the <c>file://</c> store).
/// </summary>
/// <remarks>
/// <para>
/// A write streams into a temp file under <c>&lt;root&gt;/.ferry/tmp</c> (the same filesystem), hashing it on
/// the way, flushes it to disk and renames it over the target: readers see the old file or the whole new
/// one, never a part. The SHA-256 is kept in a sidecar under <c>&lt;root&gt;/.ferry/sha256/&lt;path&gt;</c>
/// together with the file's length and modification time, so a sidecar left stale by a crash or a
/// concurrent write is recognised and rebuilt rather than trusted.
/// </para>
/// <para>
/// Every path goes through <see cref="ArtifactPath"/>, is checked again after <see cref="Path.GetFullPath(string)"/>,
/// and a symbolic link met on the way is followed only when it leads somewhere else inside the root (and
/// not into <c>.ferry</c>); any other link makes the path invalid.
/// </para>
/// </remarks>
public sealed class FileSystemArtifactStore : IArtifactStore
{
    private const int CopyBufferSize = 81920; // below the large-object-heap threshold
    private const int MaxLinkHops = 40; // as Linux's limit before ELOOP
    private static readonly TimeSpan StaleTempAge = TimeSpan.FromDays(1);
    private static readonly char[] Separators = [Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar];
    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private static readonly EnumerationOptions ListOptions = new()
    {
        AttributesToSkip = 0, // dot-files count as hidden on Unix; they are ordinary artifacts here
        IgnoreInaccessible = true,
        RecurseSubdirectories = false,
    };

    private readonly string _root;
    private readonly string _rootPrefix;
    private readonly string _realRootPrefix;
    private readonly string _tempDirectory;
    private readonly string _hashDirectory;
    private readonly TimeProvider _clock;

    /// <summary>Opens the store rooted at <paramref name="rootDirectory"/>, creating the directory if needed.</summary>
    /// <param name="rootDirectory">Where the artifacts live; relative paths are taken from the current directory.</param>
    /// <param name="clock">Stamps written files and tells stale temp files (older than a day) apart.</param>
    public FileSystemArtifactStore(string rootDirectory, TimeProvider clock)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        ArgumentNullException.ThrowIfNull(clock);
        _clock = clock;
        _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootDirectory));
        CreatePrivateDirectory(_root);
        _rootPrefix = WithSeparator(_root);
        _realRootPrefix = WithSeparator(RealPath(_root));
        _tempDirectory = Path.Join(_root, ArtifactPath.ReservedSegment, "tmp");
        _hashDirectory = Path.Join(_root, ArtifactPath.ReservedSegment, "sha256");
        CreatePrivateDirectory(_tempDirectory);
        CreatePrivateDirectory(_hashDirectory);
        RemoveStaleTempFiles();
    }

    /// <summary>Mode of every file the store writes on Unix (0600).</summary>
    public const UnixFileMode PrivateFile = PrivateDirectories.FileMode;

    /// <summary>Mode of every directory the store creates on Unix (0700); existing directories keep theirs.</summary>
    public const UnixFileMode PrivateDirectory = PrivateDirectories.DirectoryMode;

    /// <summary>The root directory, as a full path.</summary>
    public string RootDirectory => _root;

    /// <inheritdoc />
    /// <exception cref="ConflictException">The path is a directory, or one of its parents is a file.</exception>
    public async Task<ArtifactInfo> PutAsync(string path, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var relative = ArtifactPath.Normalize(path);
        var target = Resolve(relative);
        EnsureWritable(relative, target);

        CreatePrivateDirectory(_tempDirectory);
        var temp = NewTempPath();
        try
        {
            var (sha256, length, modified) = await WriteTempAsync(temp, content, cancellationToken);
            // Last point at which cancelling still leaves the previous content in place.
            cancellationToken.ThrowIfCancellationRequested();
            CreatePrivateDirectory(Path.GetDirectoryName(target)!);
            File.Move(temp, target, overwrite: true);

            var info = new ArtifactInfo(relative, length, sha256, modified);
            await WriteSidecarAsync(info);
            return info;
        }
        catch
        {
            TryDeleteFile(temp);
            throw;
        }
    }

    /// <inheritdoc />
    public Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var relative = ArtifactPath.Normalize(path);
        var full = Resolve(relative);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<Stream>(cancellationToken);
        }

        var stream = TryOpenRead(full);
        return stream is null
            ? Task.FromException<Stream>(new NotFoundException($"Artifact '{relative}' does not exist."))
            : Task.FromResult<Stream>(stream);
    }

    /// <inheritdoc />
    public async Task<ArtifactInfo?> GetInfoAsync(string path, CancellationToken cancellationToken = default)
    {
        var relative = ArtifactPath.Normalize(path);
        var full = Resolve(relative);
        var stream = TryOpenRead(full);
        if (stream is null)
        {
            return null;
        }

        await using (stream)
        {
            // Taken from the open handle: a concurrent put renames a new file in and leaves this one alone,
            // so the facts and the hash below all describe the same content.
            var length = stream.Length;
            var modified = new DateTimeOffset(File.GetLastWriteTimeUtc(stream.SafeFileHandle), TimeSpan.Zero);

            var recorded = await ReadSidecarAsync(relative, cancellationToken);
            if (recorded is not null && recorded.Length == length && recorded.LastModified == modified)
            {
                return recorded;
            }

            var info = new ArtifactInfo(relative, length, await HashAsync(stream, cancellationToken), modified);
            await WriteSidecarAsync(info);
            return info;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// A symbolic link is listed like what it points to when that is inside the root, and left out
    /// otherwise; a recursive listing does not descend into linked directories (no cycles, no duplicates).
    /// </remarks>
    public IAsyncEnumerable<ArtifactEntry> ListAsync(string directory, bool recursive = false, CancellationToken cancellationToken = default)
    {
        var relative = ArtifactPath.NormalizeDirectory(directory);
        var full = relative.Length == 0 ? _root : Resolve(relative);
        return List(relative, full, recursive, cancellationToken).ToAsyncEnumerable();
    }

    /// <inheritdoc />
    /// <remarks>A symbolic link is removed itself; what it points to is left alone.</remarks>
    /// <exception cref="InvalidArtifactPathException">The path is invalid, or <c>""</c> (the root cannot be deleted).</exception>
    public Task<bool> DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        var relative = ArtifactPath.Normalize(path); // refuses "": the root is not deletable
        var full = Resolve(relative);
        cancellationToken.ThrowIfCancellationRequested();

        var entry = new FileInfo(full);
        var deleted = true;
        try
        {
            if (entry.LinkTarget is null && Directory.Exists(full))
            {
                Directory.Delete(full, recursive: true);
            }
            else if (entry.Attributes != (FileAttributes)(-1))
            {
                File.Delete(full);
            }
            else
            {
                deleted = false;
            }
        }
        catch (DirectoryNotFoundException)
        {
            deleted = false; // removed concurrently
        }

        DeleteSidecars(relative);
        return Task.FromResult(deleted);
    }

    private async Task<(string Sha256, long Length, DateTimeOffset Modified)> WriteTempAsync(
        string temp, Stream content, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous,
            BufferSize = 0, // writes are already large; no second buffer
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = PrivateFile; // the rename keeps it: artifacts are readable by Ferry's user only
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            await using var file = new FileStream(temp, options);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var read = await content.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            // A fresh, precise modification time tells this content's sidecar apart from a stale one
            // even when two writes of the same length land within the filesystem's clock tick.
            File.SetLastWriteTimeUtc(file.SafeFileHandle, _clock.GetUtcNow().UtcDateTime);
            file.Flush(flushToDisk: true);
            var modified = new DateTimeOffset(File.GetLastWriteTimeUtc(file.SafeFileHandle), TimeSpan.Zero);
            return (Convert.ToHexStringLower(hash.GetHashAndReset()), file.Length, modified);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<string> HashAsync(Stream stream, CancellationToken cancellationToken) =>
        Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));

    /// <summary>Null when there is no file there (nothing, or a directory).</summary>
    private static FileStream? TryOpenRead(string full)
    {
        if (Directory.Exists(full))
        {
            return null;
        }

        try
        {
            return new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete,
                bufferSize: 4096, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private void EnsureWritable(string relative, string target)
    {
        if (Directory.Exists(target))
        {
            throw new ConflictException($"Artifact '{relative}' cannot be written: it is a directory.");
        }

        for (var slash = relative.IndexOf('/'); slash > 0; slash = relative.IndexOf('/', slash + 1))
        {
            var parent = relative[..slash];
            if (File.Exists(Path.Join(_root, parent)))
            {
                throw new ConflictException($"Artifact '{relative}' cannot be written: '{parent}' is a file.");
            }
        }
    }

    /// <summary>
    /// The full path of a normalised relative path, after checking (again) that it stays inside the root
    /// and that no symbolic link on the way leads out of it.
    /// </summary>
    private string Resolve(string relative)
    {
        var full = Path.GetFullPath(Path.Join(_root, relative));
        if (!IsStrictlyUnder(full, _rootPrefix) || IsReserved(full[_rootPrefix.Length..]))
        {
            throw new InvalidArtifactPathException(relative, "it resolves outside the store's root");
        }

        var current = _root;
        foreach (var segment in relative.Split('/'))
        {
            current = Path.Join(current, segment);
            var entry = new FileInfo(current);
            if (entry.LinkTarget is not null)
            {
                if (!LeadsInside(current))
                {
                    throw new InvalidArtifactPathException(relative, "it goes through a symbolic link that leads outside the store's root");
                }
            }
            else if (entry.Attributes == (FileAttributes)(-1))
            {
                break; // nothing there, so nothing below it either
            }
        }

        return full;
    }

    /// <summary>Whether the symbolic link at <paramref name="link"/> ends up inside the root, outside <c>.ferry</c>.</summary>
    private bool LeadsInside(string link)
    {
        string real;
        try
        {
            real = RealPath(link);
        }
        catch (IOException)
        {
            return false; // a loop
        }

        return IsStrictlyUnder(real, _realRootPrefix) && !IsReserved(real[_realRootPrefix.Length..]);
    }

    /// <summary>The path with every symbolic link in it resolved, like POSIX realpath (missing parts are kept as written).</summary>
    private static string RealPath(string path)
    {
        var hops = 0;
        return RealPath(path, ref hops);
    }

    private static string RealPath(string path, ref int hops)
    {
        var root = Path.GetPathRoot(path)!;
        var current = root;
        foreach (var part in path[root.Length..].Split(Separators, StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }

            var next = Path.Join(current, part);
            var link = new FileInfo(next).LinkTarget;
            if (link is null)
            {
                current = next;
                continue;
            }

            if (++hops > MaxLinkHops)
            {
                throw new IOException($"Too many levels of symbolic links at '{next}'.");
            }

            // 'current' is already real, so a relative target is resolved against the real parent.
            current = RealPath(Path.IsPathFullyQualified(link) ? link : Path.Join(current, link), ref hops);
        }

        return current;
    }

    private static bool IsStrictlyUnder(string path, string prefixWithSeparator) =>
        path.Length > prefixWithSeparator.Length && path.StartsWith(prefixWithSeparator, PathComparison);

    /// <summary>Whether a path relative to the root is, or is under, the reserved <c>.ferry</c> directory.</summary>
    private static bool IsReserved(string relativeToRoot)
    {
        var first = relativeToRoot.Split(Separators, 2)[0];
        return first.Equals(ArtifactPath.ReservedSegment, StringComparison.OrdinalIgnoreCase);
    }

    private static string WithSeparator(string path) =>
        Path.EndsInDirectorySeparator(path) ? path : path + Path.DirectorySeparatorChar;

    private IEnumerable<ArtifactEntry> List(string relative, string full, bool recursive, CancellationToken cancellationToken)
    {
        var entries = new List<ArtifactEntry>();
        if (Directory.Exists(full))
        {
            Collect(relative, full, recursive, entries, cancellationToken);
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        foreach (var entry in entries)
        {
            yield return entry;
        }
    }

    private void Collect(string relative, string directory, bool recursive, List<ArtifactEntry> entries, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        FileSystemInfo[] children;
        try
        {
            children = new DirectoryInfo(directory).GetFileSystemInfos("*", ListOptions);
        }
        catch (DirectoryNotFoundException)
        {
            return; // removed concurrently
        }

        foreach (var child in children)
        {
            var childRelative = relative.Length == 0 ? child.Name : relative + "/" + child.Name;
            if (!IsAddressable(childRelative))
            {
                continue; // .ferry, or a name put there by other means that no caller could ask for
            }

            var isLink = child.LinkTarget is not null;
            var item = child;
            if (isLink)
            {
                if (!LeadsInside(child.FullName))
                {
                    continue;
                }

                item = Directory.Exists(child.FullName) ? new DirectoryInfo(child.FullName) : new FileInfo(child.FullName);
                item = item.ResolveLinkTarget(returnFinalTarget: true) ?? item;
                if (!item.Exists)
                {
                    continue; // dangling
                }
            }

            if (item is FileInfo file)
            {
                entries.Add(new ArtifactEntry(childRelative, IsDirectory: false, file.Length));
            }
            else if (!recursive)
            {
                entries.Add(new ArtifactEntry(childRelative, IsDirectory: true, Length: null));
            }
            else if (!isLink)
            {
                Collect(childRelative, child.FullName, recursive, entries, cancellationToken);
            }
        }
    }

    private static bool IsAddressable(string relative)
    {
        try
        {
            ArtifactPath.Normalize(relative);
            return true;
        }
        catch (InvalidArtifactPathException)
        {
            return false;
        }
    }

    private string SidecarPath(string relative) => Path.Join(_hashDirectory, relative);

    private async Task<ArtifactInfo?> ReadSidecarAsync(string relative, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(SidecarPath(relative), cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // "<sha256> <length> <last-write UTC ticks>"
        var parts = text.Trim().Split(' ');
        return parts.Length == 3
            && parts[0].Length == 64
            && parts[0].All(char.IsAsciiHexDigitLower)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            && ticks <= DateTime.MaxValue.Ticks
            ? new ArtifactInfo(relative, length, parts[0], new DateTimeOffset(ticks, TimeSpan.Zero))
            : null;
    }

    /// <summary>Records the hash; best effort, because the content is already committed and a missing or stale sidecar is rebuilt on read.</summary>
    private async Task WriteSidecarAsync(ArtifactInfo info)
    {
        var sidecar = SidecarPath(info.Path);
        var temp = NewTempPath();
        try
        {
            // Leftovers of an interrupted delete may stand where this sidecar or its parents go.
            if (Directory.Exists(sidecar))
            {
                Directory.Delete(sidecar, recursive: true);
            }

            for (var slash = info.Path.IndexOf('/'); slash > 0; slash = info.Path.IndexOf('/', slash + 1))
            {
                var parent = SidecarPath(info.Path[..slash]);
                if (File.Exists(parent))
                {
                    File.Delete(parent);
                }
            }

            CreatePrivateDirectory(Path.GetDirectoryName(sidecar)!);
            var line = string.Create(CultureInfo.InvariantCulture, $"{info.Sha256} {info.Length} {info.LastModified.UtcTicks}\n");
            var sidecarOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                sidecarOptions.UnixCreateMode = PrivateFile;
            }

            await using (var stream = new FileStream(temp, sidecarOptions))
            await using (var writer = new StreamWriter(stream))
            {
                await writer.WriteAsync(line);
            }

            File.Move(temp, sidecar, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDeleteFile(temp);
        }
    }

    private void DeleteSidecars(string relative)
    {
        var sidecar = SidecarPath(relative);
        try
        {
            if (Directory.Exists(sidecar))
            {
                Directory.Delete(sidecar, recursive: true);
            }
            else
            {
                File.Delete(sidecar);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover sidecar is harmless: it no longer matches any file's length and time.
        }
    }

    private string NewTempPath() => Path.Join(_tempDirectory, Guid.NewGuid().ToString("N") + ".tmp");

    /// <summary>Temp files of writes that a crash interrupted; recent ones may belong to another live store on the same root.</summary>
    private void RemoveStaleTempFiles()
    {
        foreach (var file in new DirectoryInfo(_tempDirectory).EnumerateFiles("*", ListOptions))
        {
            if (_clock.GetUtcNow().UtcDateTime - file.LastWriteTimeUtc > StaleTempAge)
            {
                TryDeleteFile(file.FullName);
            }
        }
    }

    private static void TryDeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for RemoveStaleTempFiles.
        }
    }

    private static void CreatePrivateDirectory(string path) => PrivateDirectories.Create(path);
}
