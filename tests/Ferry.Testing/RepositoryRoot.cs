namespace Ferry.Testing;

/// <summary>The checkout the tests run from: the folder holding <c>Ferry.slnx</c>, found by walking up from the test's output folder.</summary>
public static class RepositoryRoot
{
    /// <summary>The checkout's root, or null when the tests run outside one.</summary>
    public static string? TryFind()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Ferry.slnx")))
            {
                return directory.FullName;
            }
        }

        return null;
    }

    /// <summary>The checkout's root.</summary>
    /// <exception cref="InvalidOperationException">The tests run outside a checkout.</exception>
    public static string Find() => TryFind() ?? throw new InvalidOperationException($"No Ferry.slnx above {AppContext.BaseDirectory}.");
}
