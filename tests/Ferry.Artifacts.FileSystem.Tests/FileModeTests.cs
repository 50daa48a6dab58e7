using Microsoft.Extensions.Time.Testing;

namespace Ferry.Artifacts.FileSystem.Tests;

/// <summary>On Unix, everything the store creates is readable by Ferry's user only, whatever the umask.</summary>
public sealed class FileModeTests : IDisposable
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateDirectory = Private | UnixFileMode.UserExecute;
    private readonly TempRoot _dirs = new();

    [Fact]
    public async Task WrittenArtifacts_TheirDirectoriesAndSidecars_AreOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var store = new FileSystemArtifactStore(_dirs.Root, new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero)));
        await store.PutAsync("7/abc/artifacts/model/deep/model.onnx", new MemoryStream([1, 2, 3]));
        await store.PutAsync("7/abc/artifacts/model/deep/model.onnx", new MemoryStream([4, 5])); // replaced
        await store.GetInfoAsync("7/abc/artifacts/model/deep/model.onnx");

        var entries = Directory.EnumerateFileSystemEntries(_dirs.Root, "*", SearchOption.AllDirectories).Append(_dirs.Root).ToList();
        Assert.Contains(entries, e => e.Contains("sha256", StringComparison.Ordinal) && File.Exists(e));
        foreach (var entry in entries)
        {
            var expected = Directory.Exists(entry) ? PrivateDirectory : Private;
            Assert.True(File.GetUnixFileMode(entry) == expected, $"{entry} is {File.GetUnixFileMode(entry)}");
        }
    }

    public void Dispose() => _dirs.Dispose();
}
