namespace Ferry.Testing;

/// <summary>Files in the repository's tests/testdata, found by walking up from the test binaries.</summary>
public static class TestDataFiles
{
    /// <summary>The path of tests/testdata/<paramref name="file"/> in the nearest folder above the test binaries that has it.</summary>
    /// <exception cref="FileNotFoundException">No folder above the test binaries has the file.</exception>
    public static string Find(string file)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "testdata", file);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"tests/testdata/{file} not found above {AppContext.BaseDirectory}");
    }
}
