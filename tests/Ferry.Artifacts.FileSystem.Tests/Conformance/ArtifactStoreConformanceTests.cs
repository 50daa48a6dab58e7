using System.Security.Cryptography;
using System.Text;
using Ferry.Core.Artifacts;
using Ferry.Core.Errors;

namespace Ferry.Artifacts.Conformance;

/// <summary>
/// What every <see cref="IArtifactStore"/> promises, whatever it stores into: one concrete subclass per store
/// (<c>FileSystemArtifactStoreTests</c> here, <c>S3ArtifactStoreTests</c> in Ferry.Artifacts.S3.Tests, which compiles
/// this file in too), each giving a fresh, empty store per test.
/// </summary>
public abstract class ArtifactStoreConformanceTests
{
    protected const string AbcSha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    protected const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>The store under test, empty when the test starts.</summary>
    protected abstract IArtifactStore Store { get; }

    /// <summary>Fails when a write left a temporary file or object behind.</summary>
    protected abstract Task AssertNoTempLeftAsync();

    /// <summary>Fails when anything outside the store's own metadata was written, by whatever means (refused paths must touch nothing).</summary>
    protected abstract Task AssertNothingWrittenAsync();

    protected static MemoryStream Bytes(string text) => new(Encoding.UTF8.GetBytes(text));

    protected async Task<ArtifactInfo> PutTextAsync(string path, string text) => await Store.PutAsync(path, Bytes(text));

    protected async Task<string> ReadTextAsync(string path)
    {
        await using var stream = await Store.OpenReadAsync(path);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    protected async Task<List<ArtifactEntry>> ListAsync(string directory, bool recursive = false)
    {
        var entries = new List<ArtifactEntry>();
        await foreach (var entry in Store.ListAsync(directory, recursive))
        {
            entries.Add(entry);
        }

        return entries;
    }

    [SkippableFact]
    public async Task PutAsync_Bytes_RoundTripAndReportFacts()
    {
        var content = new byte[] { 0, 1, 2, 254, 255, 10, 13 };

        var info = await Store.PutAsync("models/m1/weights.bin", new MemoryStream(content));

        Assert.Equal("models/m1/weights.bin", info.Path);
        Assert.Equal(content.Length, info.Length);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), info.Sha256);
        await using var stream = await Store.OpenReadAsync("models/m1/weights.bin");
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(content, copy.ToArray());
        await AssertNoTempLeftAsync();
    }

    [SkippableFact]
    public async Task PutAsync_Abc_HasKnownSha256()
    {
        var info = await PutTextAsync("abc.txt", "abc");

        Assert.Equal(AbcSha256, info.Sha256);
        Assert.Equal(3, info.Length);
    }

    [SkippableFact]
    public async Task PutAsync_Empty_HasKnownSha256AndZeroLength()
    {
        var info = await Store.PutAsync("empty", Stream.Null);

        Assert.Equal(EmptySha256, info.Sha256);
        Assert.Equal(0, info.Length);
        Assert.Equal("", await ReadTextAsync("empty"));
        Assert.Equal(info, await Store.GetInfoAsync("empty"));
    }

    [SkippableFact]
    public async Task PutAsync_ExistingFile_ReplacesContentAndHash()
    {
        await PutTextAsync("a.txt", "old content that is longer");

        var info = await PutTextAsync("a.txt", "abc");

        Assert.Equal("abc", await ReadTextAsync("a.txt"));
        Assert.Equal(AbcSha256, info.Sha256);
        Assert.Equal(AbcSha256, (await Store.GetInfoAsync("a.txt"))!.Sha256);
        await AssertNoTempLeftAsync();
    }

    [SkippableFact]
    public async Task PutAsync_SourceFailsMidway_LeavesPreviousContentAndNoTempFile()
    {
        await PutTextAsync("a.txt", "previous");

        var error = await Assert.ThrowsAsync<IOException>(() => Store.PutAsync("a.txt", new FailingStream(200_000)));

        Assert.Equal("The client went away.", error.Message);
        Assert.Equal("previous", await ReadTextAsync("a.txt"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("previous"u8)), (await Store.GetInfoAsync("a.txt"))!.Sha256);
        await AssertNoTempLeftAsync();
    }

    [SkippableFact]
    public async Task PutAsync_SourceFailsOnNewPath_LeavesNothing()
    {
        await Assert.ThrowsAsync<IOException>(() => Store.PutAsync("new/dir/a.txt", new FailingStream(1000)));

        Assert.Null(await Store.GetInfoAsync("new/dir/a.txt"));
        Assert.Empty(await ListAsync("", recursive: true));
        Assert.Empty(await ListAsync(""));
        await AssertNoTempLeftAsync();
    }

    [SkippableFact]
    public async Task PutAsync_CancelledMidway_LeavesPreviousContentAndNoTempFile()
    {
        await PutTextAsync("a.txt", "previous");
        using var cancellation = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Store.PutAsync("a.txt", new CancellingStream(cancellation, 300_000), cancellation.Token));

        Assert.Equal("previous", await ReadTextAsync("a.txt"));
        await AssertNoTempLeftAsync();
    }

    [SkippableFact]
    public async Task PutAsync_AlreadyCancelled_WritesNothing()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.PutAsync("a.txt", Bytes("abc"), cancellation.Token));

        Assert.Null(await Store.GetInfoAsync("a.txt"));
        await AssertNoTempLeftAsync();
    }

    [SkippableFact]
    public async Task PutAsync_OntoDirectory_ThrowsConflict()
    {
        await PutTextAsync("d/f.txt", "x");

        await Assert.ThrowsAsync<ConflictException>(() => PutTextAsync("d", "y"));

        Assert.Equal("x", await ReadTextAsync("d/f.txt"));
        Assert.Null(await Store.GetInfoAsync("d"));
    }

    [SkippableFact]
    public async Task PutAsync_BelowAFile_ThrowsConflict()
    {
        await PutTextAsync("f", "x");

        await Assert.ThrowsAsync<ConflictException>(() => PutTextAsync("f/g/h.txt", "y"));

        Assert.Equal("x", await ReadTextAsync("f"));
        await AssertNoTempLeftAsync();
    }

    [SkippableFact]
    public async Task OpenReadAsync_Missing_ThrowsNotFound()
    {
        await PutTextAsync("dir/a.txt", "abc");

        await Assert.ThrowsAsync<NotFoundException>(() => Store.OpenReadAsync("missing.txt"));
        await Assert.ThrowsAsync<NotFoundException>(() => Store.OpenReadAsync("nodir/missing.txt"));
        await Assert.ThrowsAsync<NotFoundException>(() => Store.OpenReadAsync("dir"));
        await Assert.ThrowsAsync<NotFoundException>(() => Store.OpenReadAsync("dir/a.txt/below"));
    }

    [SkippableFact]
    public async Task OpenReadAsync_SeekThenRead_ReturnsThatRange()
    {
        var content = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7)).ToArray();
        await Store.PutAsync("blob.bin", new MemoryStream(content));

        await using var stream = await Store.OpenReadAsync("blob.bin");

        Assert.True(stream.CanSeek);
        Assert.Equal(content.Length, stream.Length);
        stream.Seek(60_000, SeekOrigin.Begin);
        var range = new byte[1000];
        await stream.ReadExactlyAsync(range);
        Assert.Equal(content[60_000..61_000], range);
        stream.Position = 10;
        await stream.ReadExactlyAsync(range.AsMemory(0, 5));
        Assert.Equal(content[10..15], range[..5]);
        stream.Seek(-3, SeekOrigin.End);
        Assert.Equal(3, await stream.ReadAsync(range));
        Assert.Equal(content[^3..], range[..3]);
        Assert.Equal(0, await stream.ReadAsync(range));
    }

    [SkippableFact]
    public async Task GetInfoAsync_AfterPut_ReturnsSameFacts()
    {
        var put = await PutTextAsync("x/y.txt", "abc");

        var info = await Store.GetInfoAsync("x/y.txt");

        Assert.Equal(put, info);
        Assert.Equal(TimeSpan.Zero, info!.LastModified.Offset);
    }

    [SkippableFact]
    public async Task GetInfoAsync_MissingOrDirectory_ReturnsNull()
    {
        await PutTextAsync("x/y.txt", "abc");

        Assert.Null(await Store.GetInfoAsync("nope.txt"));
        Assert.Null(await Store.GetInfoAsync("x"));
    }

    [SkippableFact]
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

    [SkippableFact]
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

    [SkippableFact]
    public async Task ListAsync_Recursive_ReturnsEveryFileSortedOrdinally()
    {
        await PutTextAsync("z.txt", "1");
        await PutTextAsync("a/b/c.txt", "22");
        await PutTextAsync("a/B.txt", "333");
        await PutTextAsync("a/b-c.txt", "4444");

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

    [SkippableFact]
    public async Task ListAsync_NeverShowsMetadata()
    {
        await PutTextAsync("a.txt", "x");
        await Store.PutAsync("big/blob.bin", new GeneratedStream(9L * 1024 * 1024));

        Assert.DoesNotContain(await ListAsync(""), e => e.Path.StartsWith(".ferry", StringComparison.Ordinal));
        Assert.DoesNotContain(await ListAsync("", recursive: true), e => e.Path.StartsWith(".ferry", StringComparison.Ordinal));
        Assert.Throws<InvalidArtifactPathException>(() => Store.ListAsync(".ferry"));
    }

    [SkippableFact]
    public async Task ListAsync_MissingDirectoryOrFile_YieldsNothing()
    {
        await PutTextAsync("a.txt", "x");

        Assert.Empty(await ListAsync("missing"));
        Assert.Empty(await ListAsync("missing/deeper", recursive: true));
        Assert.Empty(await ListAsync("a.txt"));
    }

    [SkippableFact]
    public async Task DeleteAsync_File_RemovesIt()
    {
        await PutTextAsync("d/a.txt", "abc");
        await PutTextAsync("d/b.txt", "abc");

        Assert.True(await Store.DeleteAsync("d/a.txt"));

        Assert.Null(await Store.GetInfoAsync("d/a.txt"));
        await Assert.ThrowsAsync<NotFoundException>(() => Store.OpenReadAsync("d/a.txt"));
        Assert.Equal([new ArtifactEntry("d/b.txt", false, 3)], await ListAsync("d"));
    }

    [SkippableFact]
    public async Task DeleteAsync_Directory_RemovesEverythingBelow()
    {
        await PutTextAsync("d/a.txt", "abc");
        await PutTextAsync("d/sub/b.txt", "abc");
        await PutTextAsync("keep.txt", "abc");

        Assert.True(await Store.DeleteAsync("d"));

        Assert.Empty(await ListAsync("d", recursive: true));
        Assert.Equal([new ArtifactEntry("keep.txt", false, 3)], await ListAsync("", recursive: true));
    }

    [SkippableFact]
    public async Task DeleteAsync_Missing_ReturnsFalse()
    {
        await PutTextAsync("a.txt", "x");

        Assert.False(await Store.DeleteAsync("missing.txt"));
        Assert.False(await Store.DeleteAsync("missing/deeper"));
        Assert.True(await Store.DeleteAsync("a.txt"));
        Assert.False(await Store.DeleteAsync("a.txt"));
    }

    [SkippableFact]
    public async Task DeleteAsync_Root_IsRefused()
    {
        await PutTextAsync("a.txt", "x");

        await Assert.ThrowsAsync<InvalidArtifactPathException>(() => Store.DeleteAsync(""));

        Assert.Equal("x", await ReadTextAsync("a.txt"));
    }

    [SkippableFact]
    public async Task PutAsync_ThenReplaceFileWithDirectory_KeepsHashesConsistent()
    {
        await PutTextAsync("x", "file");
        Assert.True(await Store.DeleteAsync("x"));

        var info = await PutTextAsync("x/y", "abc");

        Assert.Equal(AbcSha256, info.Sha256);
        Assert.Equal(info, await Store.GetInfoAsync("x/y"));
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

    [SkippableTheory]
    [MemberData(nameof(BadPaths))]
    public async Task EveryOperation_BadPath_IsRefusedAndTouchesNothing(string path)
    {
        await Assert.ThrowsAsync<InvalidArtifactPathException>(() => Store.PutAsync(path, Bytes("evil")));
        await Assert.ThrowsAsync<InvalidArtifactPathException>(() => Store.OpenReadAsync(path));
        await Assert.ThrowsAsync<InvalidArtifactPathException>(() => Store.GetInfoAsync(path));
        await Assert.ThrowsAsync<InvalidArtifactPathException>(() => Store.DeleteAsync(path));

        await AssertNothingWrittenAsync();
        await AssertNoTempLeftAsync();
    }
}
