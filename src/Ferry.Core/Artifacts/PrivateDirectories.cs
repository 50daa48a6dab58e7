namespace Ferry.Core.Artifacts;

/// <summary>Files and directories only Ferry's user may open: 0600 and 0700 on Unix (the data directory, artifacts).</summary>
public static class PrivateDirectories
{
    /// <summary>0600.</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>0700.</summary>
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates a directory and its missing parents, each 0700 on Unix; an existing one keeps its mode.</summary>
    public static void Create(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        // Directory.CreateDirectory(path, mode) gives the mode to the last directory only: each missing one gets it.
        var missing = new Stack<string>();
        for (var at = Path.GetFullPath(path); !Directory.Exists(at); at = Path.GetDirectoryName(at)!)
        {
            missing.Push(at);
            if (Path.GetDirectoryName(at) is null)
            {
                break;
            }
        }

        foreach (var directory in missing)
        {
            Directory.CreateDirectory(directory, DirectoryMode);
        }
    }
}
