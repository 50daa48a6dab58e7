using Ferry.Artifacts.Conformance;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.Artifacts.FileSystem.Tests;

[CollectionDefinition(nameof(LargeStreamTests), DisableParallelization = true)]
public sealed class LargeStreamTestsDefinition;

/// <summary>Runs alone, so that the process-wide allocation count below is this test's own.</summary>
[Collection(nameof(LargeStreamTests))]
public sealed class LargeStreamTests : IDisposable
{
    private const long Size = 64L * 1024 * 1024;

    private readonly TempRoot _dirs = new();

    public void Dispose() => _dirs.Dispose();

    [Fact]
    public async Task PutAsync_64MegabyteStream_RoundTripsWithFlatMemory()
    {
        var store = new FileSystemArtifactStore(_dirs.Root, new FakeTimeProvider());
        using var source = new GeneratedStream(Size, seed: 7);

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var info = await store.PutAsync("big/blob.bin", source);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        Assert.Equal(Size, info.Length);
        Assert.Equal(source.Sha256, info.Sha256);
        // Buffering the content anywhere would allocate at least its 64 MB.
        Assert.True(allocated < 8 * 1024 * 1024, $"PutAsync allocated {allocated:N0} bytes for a {Size:N0}-byte stream.");

        // Read back and compare with the same generator, independently of the store's hash.
        using var expected = new GeneratedStream(Size, seed: 7);
        await using var stored = await store.OpenReadAsync("big/blob.bin");
        var actualBuffer = new byte[1 << 16];
        var expectedBuffer = new byte[1 << 16];
        long total = 0;
        int read;
        while ((read = await stored.ReadAsync(actualBuffer)) > 0)
        {
            expected.ReadExactly(expectedBuffer, 0, read);
            Assert.True(actualBuffer.AsSpan(0, read).SequenceEqual(expectedBuffer.AsSpan(0, read)), $"Content differs near offset {total}.");
            total += read;
        }

        Assert.Equal(Size, total);
        Assert.Equal(source.Sha256, expected.Sha256);
        Assert.Equal(info, await store.GetInfoAsync("big/blob.bin"));
    }
}
