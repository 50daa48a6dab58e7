using System.Security.Cryptography;
using System.Text;
using Ferry.Core.Artifacts;
using Ferry.Core.Errors;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.Artifacts.FileSystem.Tests;

public sealed class FileSystemArtifactStoreTests : IDisposable
{
    private const string AbcSha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    private const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private readonly TempRoot _dirs = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly FileSystemArtifactStore _store;

    public FileSystemArtifactStoreTests() => _store = new FileSystemArtifactStore(_dirs.Root, _clock);

    public void Dispose() => _dirs.Dispose();

    private static MemoryStream Bytes(string text) => new(Encoding.UTF8.GetBytes(text));

    private async Task<ArtifactInfo> PutTextAsync(string path, string text) => await _store.PutAsync(path, Bytes(text));

    private async Task<string> ReadTextAsync(string path)
    {
        await using var stream = await _store.OpenReadAsync(path);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    private async Task<List<ArtifactEntry>> ListAsync(string directory, bool recursive = false)
    {
        var entries = new List<ArtifactEntry>();
        await foreach (var entry in _store.ListAsync(directory, recursive))
        {
            entries.Add(entry);
        }

        return entries;
    }

    private void AssertNoTempFiles() => Assert.Empty(Directory.EnumerateFileSystemEntries(_dirs.TempDirectory));

    [Fact]
    public void Constructor_MissingRoot_CreatesIt()
    {
        Assert.True(Directory.Exists(_dirs.Root));
        Assert.Equal(Path.GetFullPath(_dirs.Root), _store.RootDirectory);
    }

    [Fact]
    public async Task PutAsync_Bytes_RoundTripAndReportFacts()
    {
        var content = new byte[] { 0, 1, 2, 254, 255, 10, 13 };

        var info = await _store.PutAsync("models/m1/weights.bin", new MemoryStream(content));

        Assert.Equal("models/m1/weights.bin", info.Path);
        Assert.Equal(content.Length, info.Length);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), info.Sha256);
        Assert.Equal(content, await File.ReadAllBytesAsync(_dirs.InRoot("models/m1/weights.bin")));
        await using var stream = await _store.OpenReadAsync("models/m1/weights.bin");
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(content, copy.ToArray());
        AssertNoTempFiles();
    }

    [Fact]
    public async Task PutAsync_Abc_HasKnownSha256()
    {
        var info = await PutTextAsync("abc.txt", "abc");

        Assert.Equal(AbcSha256, info.Sha256);
        Assert.Equal(3, info.Length);
    }

    [Fact]
    public async Task PutAsync_Empty_HasKnownSha256AndZeroLength()
    {
        var info = await _store.PutAsync("empty", Stream.Null);

        Assert.Equal(EmptySha256, info.Sha256);
        Assert.Equal(0, info.Length);
        Assert.Equal("", await ReadTextAsync("empty"));
    }

    [Fact]
    public async Task PutAsync_ExistingFile_ReplacesContentAndHash()
    {
        await PutTextAsync("a.txt", "old content that is longer");

        var info = await PutTextAsync("a.txt", "abc");

        Assert.Equal("abc", await ReadTextAsync("a.txt"));
        Assert.Equal(AbcSha256, info.Sha256);
        Assert.Equal(AbcSha256, (await _store.GetInfoAsync("a.txt"))!.Sha256);
        AssertNoTempFiles();
    }

    [Fact]
    public async Task PutAsync_ReaderOpenDuringOverwrite_KeepsSeeingOldContent()
    {
        await PutTextAsync("a.txt", "old");
        await using var reader = await _store.OpenReadAsync("a.txt");

        await PutTextAsync("a.txt", "new!");

        // The rename swapped the directory entry; the open file is the old one, whole.
        var old = new byte[16];
        var read = await reader.ReadAsync(old);
        Assert.Equal("old", Encoding.UTF8.GetString(old, 0, read));
        Assert.Equal("new!", await ReadTextAsync("a.txt"));
    }

    [Fact]
    public async Task PutAsync_SourceFailsMidway_LeavesPreviousContentAndNoTempFile()
    {
        await PutTextAsync("a.txt", "previous");

        var error = await Assert.ThrowsAsync<IOException>(() => _store.PutAsync("a.txt", new FailingStream(200_000)));

        Assert.Equal("The client went away.", error.Message);
        Assert.Equal("previous", await ReadTextAsync("a.txt"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("previous"u8)), (await _store.GetInfoAsync("a.txt"))!.Sha256);
        AssertNoTempFiles();
    }

    [Fact]
    public async Task PutAsync_SourceFailsOnNewPath_LeavesNothing()
    {
        await Assert.ThrowsAsync<IOException>(() => _store.PutAsync("new/dir/a.txt", new FailingStream(1000)));

        Assert.False(File.Exists(_dirs.InRoot("new/dir/a.txt")));
        Assert.False(Directory.Exists(_dirs.InRoot("new")));
        Assert.Null(await _store.GetInfoAsync("new/dir/a.txt"));
        Assert.Empty(await ListAsync("", recursive: true));
        AssertNoTempFiles();
    }

    [Fact]
    public async Task PutAsync_CancelledMidway_LeavesPreviousContentAndNoTempFile()
    {
        await PutTextAsync("a.txt", "previous");
        using var cancellation = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => _store.PutAsync("a.txt", new CancellingStream(cancellation, 300_000), cancellation.Token));

        Assert.Equal("previous", await ReadTextAsync("a.txt"));
        AssertNoTempFiles();
    }

    [Fact]
    public async Task PutAsync_AlreadyCancelled_WritesNothing()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _store.PutAsync("a.txt", Bytes("abc"), cancellation.Token));

        Assert.False(File.Exists(_dirs.InRoot("a.txt")));
        AssertNoTempFiles();
    }

    [Fact]
    public async Task PutAsync_OntoDirectory_ThrowsConflict()
    {
        await PutTextAsync("d/f.txt", "x");

        await Assert.ThrowsAsync<ConflictException>(() => PutTextAsync("d", "y"));

        Assert.Equal("x", await ReadTextAsync("d/f.txt"));
    }

    [Fact]
    public async Task PutAsync_BelowAFile_ThrowsConflict()
    {
        await PutTextAsync("f", "x");

        await Assert.ThrowsAsync<ConflictException>(() => PutTextAsync("f/g/h.txt", "y"));

        Assert.Equal("x", await ReadTextAsync("f"));
        AssertNoTempFiles();
    }

    [Fact]
    public async Task OpenReadAsync_ReturnsAsyncFileStream()
    {
        await PutTextAsync("a.txt", "abc");

        await using var stream = await _store.OpenReadAsync("a.txt");

        var file = Assert.IsType<FileStream>(stream);
        Assert.True(file.IsAsync);
        Assert.False(file.CanWrite);
    }

    [Fact]
    public async Task OpenReadAsync_Missing_ThrowsNotFound()
    {
        await PutTextAsync("dir/a.txt", "abc");

        await Assert.ThrowsAsync<NotFoundException>(() => _store.OpenReadAsync("missing.txt"));
        await Assert.ThrowsAsync<NotFoundException>(() => _store.OpenReadAsync("nodir/missing.txt"));
        await Assert.ThrowsAsync<NotFoundException>(() => _store.OpenReadAsync("dir"));
        await Assert.ThrowsAsync<NotFoundException>(() => _store.OpenReadAsync("dir/a.txt/below"));
    }

    [Fact]
    public async Task GetInfoAsync_AfterPut_ReturnsSameFacts()
    {
        var put = await PutTextAsync("x/y.txt", "abc");

        var info = await _store.GetInfoAsync("x/y.txt");

        Assert.Equal(put, info);
        Assert.Equal(TimeSpan.Zero, info!.LastModified.Offset);
        Assert.Equal(File.GetLastWriteTimeUtc(_dirs.InRoot("x/y.txt")), info.LastModified.UtcDateTime);
    }

    [Fact]
    public async Task GetInfoAsync_MissingOrDirectory_ReturnsNull()
    {
        await PutTextAsync("x/y.txt", "abc");

        Assert.Null(await _store.GetInfoAsync("nope.txt"));
        Assert.Null(await _store.GetInfoAsync("x"));
    }

    [Fact]
    public async Task GetInfoAsync_SidecarMissing_RecomputesAndStoresHash()
    {
        await PutTextAsync("m/a.txt", "abc");
        var sidecar = Path.Combine(_dirs.Root, ".ferry", "sha256", "m", "a.txt");
        Assert.True(File.Exists(sidecar));
        File.Delete(sidecar);

        var info = await _store.GetInfoAsync("m/a.txt");

        Assert.Equal(AbcSha256, info!.Sha256);
        Assert.True(File.Exists(sidecar));
        AssertNoTempFiles();
    }

    [Fact]
    public async Task GetInfoAsync_FileChangedBehindTheStore_DoesNotTrustStaleSidecar()
    {
        await PutTextAsync("a.txt", "old");

        // Same length, new content: only the modification time tells the sidecar is stale.
        await File.WriteAllTextAsync(_dirs.InRoot("a.txt"), "abc");
        File.SetLastWriteTimeUtc(_dirs.InRoot("a.txt"), _clock.GetUtcNow().UtcDateTime.AddMinutes(1));

        var info = await _store.GetInfoAsync("a.txt");

        Assert.Equal(AbcSha256, info!.Sha256);
    }

    [Fact]
    public async Task GetInfoAsync_GarbledSidecar_RecomputesHash()
    {
        await PutTextAsync("a.txt", "abc");
        await File.WriteAllTextAsync(Path.Combine(_dirs.Root, ".ferry", "sha256", "a.txt"), "not a sidecar");

        Assert.Equal(AbcSha256, (await _store.GetInfoAsync("a.txt"))!.Sha256);
    }

    [Fact]
    public async Task ListAsync_Flat_ReturnsDirectChildrenSortedWithoutMetadata()
    {
        await PutTextAsync("b.txt", "bb");
        await PutTextAsync("a.txt", "a");
        await PutTextAsync("dir/inner.txt", "x");
        await PutTextAsync("dir/sub/deep.txt", "x");
        await PutTextAsync(".hidden", "h");

        var entries = await ListAsync("");

        Assert.Equal(
            [
                new ArtifactEntry(".hidden", false, 1),
                new ArtifactEntry("a.txt", false, 1),
                new ArtifactEntry("b.txt", false, 2),
                new ArtifactEntry("dir", true, null),
            ],
            entries);
    }

    [Fact]
    public async Task ListAsync_FlatSubdirectory_ReturnsItsChildren()
    {
        await PutTextAsync("dir/inner.txt", "xyz");
        await PutTextAsync("dir/sub/deep.txt", "x");
        await PutTextAsync("other.txt", "x");

        Assert.Equal(
            [new ArtifactEntry("dir/inner.txt", false, 3), new ArtifactEntry("dir/sub", true, null)],
            await ListAsync("dir"));
        Assert.Equal(await ListAsync("dir"), await ListAsync("dir/"));
    }

    [Fact]
    public async Task ListAsync_Recursive_ReturnsEveryFileSortedOrdinally()
    {
        await PutTextAsync("z.txt", "1");
        await PutTextAsync("a/b/c.txt", "22");
        await PutTextAsync("a/B.txt", "333");
        await PutTextAsync("a/b-c.txt", "4444");
        Directory.CreateDirectory(_dirs.InRoot("empty"));

        var entries = await ListAsync("", recursive: true);

        Assert.Equal(
            [
                new ArtifactEntry("a/B.txt", false, 3),
                new ArtifactEntry("a/b-c.txt", false, 4),
                new ArtifactEntry("a/b/c.txt", false, 2),
                new ArtifactEntry("z.txt", false, 1),
            ],
            entries);
        Assert.Equal([new ArtifactEntry("a/b/c.txt", false, 2)], await ListAsync("a/b", recursive: true));
    }

    [Fact]
    public async Task ListAsync_NeverShowsMetadata()
    {
        await PutTextAsync("a.txt", "x");
        Directory.CreateDirectory(Path.Combine(_dirs.Root, ".ferry", "tmp", "junk"));

        Assert.DoesNotContain(await ListAsync(""), e => e.Path.StartsWith(".ferry", StringComparison.Ordinal));
        Assert.DoesNotContain(await ListAsync("", recursive: true), e => e.Path.StartsWith(".ferry", StringComparison.Ordinal));
        Assert.Throws<InvalidArtifactPathException>(() => _store.ListAsync(".ferry"));
    }

    [Fact]
    public async Task ListAsync_MissingDirectoryOrFile_YieldsNothing()
    {
        await PutTextAsync("a.txt", "x");

        Assert.Empty(await ListAsync("missing"));
        Assert.Empty(await ListAsync("missing/deeper", recursive: true));
        Assert.Empty(await ListAsync("a.txt"));
    }

    [Fact]
    public async Task DeleteAsync_File_RemovesItAndItsHash()
    {
        await PutTextAsync("d/a.txt", "abc");
        await PutTextAsync("d/b.txt", "abc");

        Assert.True(await _store.DeleteAsync("d/a.txt"));

        Assert.Null(await _store.GetInfoAsync("d/a.txt"));
        Assert.False(File.Exists(Path.Combine(_dirs.Root, ".ferry", "sha256", "d", "a.txt")));
        Assert.Equal([new ArtifactEntry("d/b.txt", false, 3)], await ListAsync("d"));
    }

    [Fact]
    public async Task DeleteAsync_Directory_RemovesEverythingBelow()
    {
        await PutTextAsync("d/a.txt", "abc");
        await PutTextAsync("d/sub/b.txt", "abc");
        await PutTextAsync("keep.txt", "abc");

        Assert.True(await _store.DeleteAsync("d"));

        Assert.False(Directory.Exists(_dirs.InRoot("d")));
        Assert.False(Directory.Exists(Path.Combine(_dirs.Root, ".ferry", "sha256", "d")));
        Assert.Equal([new ArtifactEntry("keep.txt", false, 3)], await ListAsync("", recursive: true));
    }

    [Fact]
    public async Task DeleteAsync_Missing_ReturnsFalse()
    {
        await PutTextAsync("a.txt", "x");

        Assert.False(await _store.DeleteAsync("missing.txt"));
        Assert.False(await _store.DeleteAsync("missing/deeper"));
        Assert.True(await _store.DeleteAsync("a.txt"));
        Assert.False(await _store.DeleteAsync("a.txt"));
    }

    [Fact]
    public async Task DeleteAsync_Root_IsRefused()
    {
        await PutTextAsync("a.txt", "x");

        await Assert.ThrowsAsync<InvalidArtifactPathException>(() => _store.DeleteAsync(""));

        Assert.Equal("x", await ReadTextAsync("a.txt"));
    }

    [Fact]
    public async Task PutAsync_ThenReplaceFileWithDirectory_KeepsHashesConsistent()
    {
        await PutTextAsync("x", "file");
        Assert.True(await _store.DeleteAsync("x"));

        var info = await PutTextAsync("x/y", "abc");

        Assert.Equal(AbcSha256, info.Sha256);
        Assert.Equal(info, await _store.GetInfoAsync("x/y"));
    }

    // A representative subset; ArtifactPathTests covers the validation itself in depth.
    public static TheoryData<string> BadPaths() =>
    [
        "",
        "../x",
        "a/../../x",
        "/etc/passwd",
        "C:\\x",
        "a\\b",
        "a\0b",
        "%2e%2e/x",
        "a//b",
        "./a",
        ".ferry/tmp/x",
        ".ferry/sha256/a.txt",
        "a/ ",
        new string('a', 1025),
    ];

    [Theory]
    [MemberData(nameof(BadPaths))]
    public async Task EveryOperation_BadPath_IsRefusedAndTouchesNothing(string path)
    {
        await Assert.ThrowsAsync<InvalidArtifactPathException>(() => _store.PutAsync(path, Bytes("evil")));
        await Assert.ThrowsAsync<InvalidArtifactPathException>(() => _store.OpenReadAsync(path));
        await Assert.ThrowsAsync<InvalidArtifactPathException>(() => _store.GetInfoAsync(path));
        await Assert.ThrowsAsync<InvalidArtifactPathException>(() => _store.DeleteAsync(path));

        var metadata = Path.Combine(_dirs.Root, ".ferry");
        Assert.DoesNotContain(
            Directory.EnumerateFileSystemEntries(_dirs.Base, "*", SearchOption.AllDirectories),
            p => p != _dirs.Root && p != _dirs.Outside && !p.StartsWith(metadata, StringComparison.Ordinal));
        AssertNoTempFiles();
    }

    [Fact]
    public async Task Symlink_ToDirectoryOutsideRoot_IsNotFollowed()
    {
        await File.WriteAllTextAsync(Path.Combine(_dirs.Outside, "secret.txt"), "secret");
        Directory.CreateSymbolicLink(_dirs.InRoot("escape"), _dirs.Outside);

        await Assert.ThrowsAsync<InvalidArtifactPathException>(() => PutTextAsync("escape/planted.txt", "evil"));
        await Assert.ThrowsAsync<InvalidArtifactPathException>(() => PutTextAsync("escape/secret.txt", "evil"));
        await Assert.ThrowsAsync<InvalidArtifactPathException>(() => _store.OpenReadAsync("escape/secret.txt"));
        await Assert.ThrowsAsync<InvalidArtifactPathException>(() => _store.GetInfoAsync("escape/secret.txt"));
        await Assert.ThrowsAsync<InvalidArtifactPathException>(() => _store.DeleteAsync("escape/secret.txt"));
        Assert.Throws<InvalidArtifactPathException>(() => _store.ListAsync("escape"));

        Assert.False(File.Exists(Path.Combine(_dirs.Outside, "planted.txt")));
        Assert.Equal("secret", await File.ReadAllTextAsync(Path.Combine(_dirs.Outside, "secret.txt")));
        Assert.Empty(await ListAsync(""));
        Assert.Empty(await ListAsync("", recursive: true));
        AssertNoTempFiles();
    }

    [Fact]
    public async Task Symlink_ToFileOutsideRoot_IsNotFollowed()
    {
        var secret = Path.Combine(_dirs.Outside, "secret.txt");
        await File.WriteAllTextAsync(secret, "secret");
        await PutTextAsync("d/keep.txt", "x");
        File.CreateSymbolicLink(_dirs.InRoot("d/link.txt"), secret);

        await Assert.ThrowsAsync<InvalidArtifactPathException>(() => _store.OpenReadAsync("d/link.txt"));
        await Assert.ThrowsAsync<InvalidArtifactPathException>(() => PutTextAsync("d/link.txt", "evil"));

        Assert.Equal("secret", await File.ReadAllTextAsync(secret));
        Assert.Equal([new ArtifactEntry("d/keep.txt", false, 1)], await ListAsync("d"));
    }

    [Fact]
    public async Task Symlink_RelativeClimbingOutOfRoot_IsNotFollowed()
    {
        await PutTextAsync("a/keep.txt", "x");
        Directory.CreateSymbolicLink(_dirs.InRoot("a/up"), Path.Combine("..", "..", "outside"));

        await Assert.ThrowsAsync<InvalidArtifactPathException>(() => PutTextAsync("a/up/planted.txt", "evil"));

        Assert.False(File.Exists(Path.Combine(_dirs.Outside, "planted.txt")));
    }

    [Fact]
    public async Task Symlink_ToRootItself_CannotReachMetadata()
    {
        Directory.CreateSymbolicLink(_dirs.InRoot("self"), _dirs.Root);

        await Assert.ThrowsAsync<InvalidArtifactPathException>(() => PutTextAsync("self/.ferry/sha256/a.txt", "evil"));
        await Assert.ThrowsAsync<InvalidArtifactPathException>(() => PutTextAsync("self/a.txt", "evil"));

        Assert.False(File.Exists(Path.Combine(_dirs.Root, ".ferry", "sha256", "a.txt")));
    }

    [Fact]
    public async Task Symlink_LoopInsideRoot_IsRefused()
    {
        File.CreateSymbolicLink(_dirs.InRoot("loop1"), _dirs.InRoot("loop2"));
        File.CreateSymbolicLink(_dirs.InRoot("loop2"), _dirs.InRoot("loop1"));

        await Assert.ThrowsAsync<InvalidArtifactPathException>(() => _store.OpenReadAsync("loop1"));
        Assert.Empty(await ListAsync(""));
    }

    [Fact]
    public async Task Symlink_InsideRoot_IsFollowed()
    {
        await PutTextAsync("real/a.txt", "abc");
        Directory.CreateSymbolicLink(_dirs.InRoot("alias"), "real");

        Assert.Equal("abc", await ReadTextAsync("alias/a.txt"));
        await PutTextAsync("alias/b.txt", "via link");

        Assert.Equal("via link", await ReadTextAsync("real/b.txt"));
        Assert.Equal(
            [new ArtifactEntry("alias", true, null), new ArtifactEntry("real", true, null)],
            await ListAsync(""));
        // A recursive listing does not descend into linked directories: each file once.
        Assert.Equal(
            [new ArtifactEntry("real/a.txt", false, 3), new ArtifactEntry("real/b.txt", false, 8)],
            await ListAsync("", recursive: true));
    }

    [Fact]
    public async Task DeleteAsync_SymlinkInsideRoot_RemovesLinkOnly()
    {
        await PutTextAsync("real/a.txt", "abc");
        Directory.CreateSymbolicLink(_dirs.InRoot("alias"), "real");

        Assert.True(await _store.DeleteAsync("alias"));

        Assert.False(Path.Exists(_dirs.InRoot("alias")));
        Assert.Equal("abc", await ReadTextAsync("real/a.txt"));
    }

    [Fact]
    public async Task Constructor_StaleTempFiles_AreRemovedRecentOnesKept()
    {
        var stale = Path.Combine(_dirs.TempDirectory, "stale.tmp");
        var recent = Path.Combine(_dirs.TempDirectory, "recent.tmp");
        await File.WriteAllTextAsync(stale, "x");
        await File.WriteAllTextAsync(recent, "x");
        File.SetLastWriteTimeUtc(stale, _clock.GetUtcNow().UtcDateTime.AddDays(-1).AddMinutes(-1));
        File.SetLastWriteTimeUtc(recent, _clock.GetUtcNow().UtcDateTime.AddDays(-1).AddMinutes(1));

        _ = new FileSystemArtifactStore(_dirs.Root, _clock);

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(recent));
    }
}
