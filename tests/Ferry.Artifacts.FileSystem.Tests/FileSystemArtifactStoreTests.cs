using System.Text;
using Ferry.Artifacts.Conformance;
using Ferry.Core.Artifacts;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.Artifacts.FileSystem.Tests;

/// <summary>The conformance suite on the file store, plus what only a filesystem has: files, sidecars, modes, symbolic links.</summary>
public sealed class FileSystemArtifactStoreTests : ArtifactStoreConformanceTests, IDisposable
{
    private readonly TempRoot _dirs = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly FileSystemArtifactStore _store;

    public FileSystemArtifactStoreTests() => _store = new FileSystemArtifactStore(_dirs.Root, _clock);

    protected override IArtifactStore Store => _store;

    public void Dispose() => _dirs.Dispose();

    protected override Task AssertNoTempLeftAsync()
    {
        AssertNoTempFiles();
        return Task.CompletedTask;
    }

    protected override Task AssertNothingWrittenAsync()
    {
        var metadata = Path.Combine(_dirs.Root, ".ferry");
        Assert.DoesNotContain(
            Directory.EnumerateFileSystemEntries(_dirs.Base, "*", SearchOption.AllDirectories),
            p => p != _dirs.Root && p != _dirs.Outside && !p.StartsWith(metadata, StringComparison.Ordinal));
        return Task.CompletedTask;
    }

    private void AssertNoTempFiles() => Assert.Empty(Directory.EnumerateFileSystemEntries(_dirs.TempDirectory));

    [Fact]
    public async Task PutAsync_Bytes_WritesAPlainFile()
    {
        var content = new byte[] { 0, 1, 2, 254, 255, 10, 13 };

        await _store.PutAsync("models/m1/weights.bin", new MemoryStream(content));

        Assert.Equal(content, await File.ReadAllBytesAsync(_dirs.InRoot("models/m1/weights.bin")));
    }

    [Fact]
    public async Task PutAsync_SourceFailsOnNewPath_CreatesNoDirectory()
    {
        await Assert.ThrowsAsync<IOException>(() => _store.PutAsync("new/dir/a.txt", new FailingStream(1000)));

        Assert.False(File.Exists(_dirs.InRoot("new/dir/a.txt")));
        Assert.False(Directory.Exists(_dirs.InRoot("new")));
    }

    [Fact]
    public async Task GetInfoAsync_AfterPut_MatchesTheFilesTime()
    {
        await PutTextAsync("x/y.txt", "abc");

        var info = await _store.GetInfoAsync("x/y.txt");

        Assert.Equal(File.GetLastWriteTimeUtc(_dirs.InRoot("x/y.txt")), info!.LastModified.UtcDateTime);
    }

    [Fact]
    public async Task ListAsync_Recursive_SkipsEmptyDirectories()
    {
        await PutTextAsync("a/b.txt", "1");
        Directory.CreateDirectory(_dirs.InRoot("empty"));

        Assert.Equal([new ArtifactEntry("a/b.txt", false, 1)], await ListAsync("", recursive: true));
    }

    [Fact]
    public async Task ListAsync_JunkInMetadata_IsNeverShown()
    {
        await PutTextAsync("a.txt", "x");
        Directory.CreateDirectory(Path.Combine(_dirs.Root, ".ferry", "tmp", "junk"));

        Assert.DoesNotContain(await ListAsync(""), e => e.Path.StartsWith(".ferry", StringComparison.Ordinal));
        Assert.DoesNotContain(await ListAsync("", recursive: true), e => e.Path.StartsWith(".ferry", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeleteAsync_FileAndDirectory_RemoveTheirHashesAndDirectories()
    {
        await PutTextAsync("d/a.txt", "abc");
        await PutTextAsync("e/sub/b.txt", "abc");

        Assert.True(await _store.DeleteAsync("d/a.txt"));
        Assert.True(await _store.DeleteAsync("e"));

        Assert.False(File.Exists(Path.Combine(_dirs.Root, ".ferry", "sha256", "d", "a.txt")));
        Assert.False(Directory.Exists(_dirs.InRoot("e")));
        Assert.False(Directory.Exists(Path.Combine(_dirs.Root, ".ferry", "sha256", "e")));
    }

    [Fact]
    public void Constructor_MissingRoot_CreatesIt()
    {
        Assert.True(Directory.Exists(_dirs.Root));
        Assert.Equal(Path.GetFullPath(_dirs.Root), _store.RootDirectory);
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
    public async Task OpenReadAsync_ReturnsAsyncFileStream()
    {
        await PutTextAsync("a.txt", "abc");

        await using var stream = await _store.OpenReadAsync("a.txt");

        var file = Assert.IsType<FileStream>(stream);
        Assert.True(file.IsAsync);
        Assert.False(file.CanWrite);
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
