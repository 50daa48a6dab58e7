using Microsoft.Data.Sqlite;

namespace Ferry.Cli.Quickstart;

/// <summary>
/// The quickstart's data directory (default <c>~/.ferry-quickstart</c>). A re-run starts from scratch: a directory
/// the quickstart made (it holds <see cref="MarkerFile"/>) is emptied first; any other non-empty directory is refused,
/// so the quickstart never deletes data it did not create.
/// </summary>
internal static class QuickstartDirectory
{
    /// <summary>The file that marks a directory as the quickstart's own.</summary>
    public const string MarkerFile = ".ferry-quickstart";

    /// <summary><c>~/.ferry-quickstart</c>.</summary>
    public static string Default()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.GetFullPath(Path.Combine(string.IsNullOrEmpty(home) ? Directory.GetCurrentDirectory() : home, ".ferry-quickstart"));
    }

    /// <summary>Empties (or creates) the directory and marks it.</summary>
    /// <exception cref="CliException">The directory holds files the quickstart did not make.</exception>
    public static void Prepare(string path)
    {
        var directory = new DirectoryInfo(path);
        if (directory.Exists && directory.EnumerateFileSystemInfos().Any())
        {
            if (!File.Exists(Path.Combine(path, MarkerFile)))
            {
                throw new CliException(ExitCodes.InvalidArguments,
                    $"{path} is not empty and was not made by the quickstart; choose another --data-dir");
            }

            // A quickstart that ran earlier in this process left pooled connections to the old database file open;
            // a new database under the same path must not be served by them.
            SqliteConnection.ClearAllPools();
            foreach (var entry in directory.EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo sub)
                {
                    sub.Delete(recursive: true);
                }
                else
                {
                    entry.Delete();
                }
            }
        }

        directory.Create();
        File.WriteAllText(Path.Combine(path, MarkerFile), "Made by `ferry quickstart`; emptied by the next one.\n");
    }
}
