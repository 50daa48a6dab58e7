namespace Ferry.Artifacts.FileSystem.Tests;

/// <summary>A fresh directory for one test: <see cref="Root"/> holds the store, <see cref="Outside"/> sits beside it.</summary>
internal sealed class TempRoot : IDisposable
{
    public TempRoot()
    {
        Base = Path.Combine(Path.GetTempPath(), "ferry-fs-tests-" + Guid.NewGuid().ToString("N"));
        Root = Path.Combine(Base, "root");
        Outside = Path.Combine(Base, "outside");
        Directory.CreateDirectory(Outside);
    }

    public string Base { get; }

    public string Root { get; }

    public string Outside { get; }

    public string TempDirectory => Path.Combine(Root, ".ferry", "tmp");

    public string InRoot(string relative) => Path.Combine(Root, relative);

    public void Dispose()
    {
        // Symbolic links are removed, not followed, so nothing outside Base is touched.
        if (Directory.Exists(Base))
        {
            Directory.Delete(Base, recursive: true);
        }
    }
}
