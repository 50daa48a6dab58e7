using Ferry.Core.Artifacts;

namespace Ferry.Server.Hosting;

/// <summary>
/// Keeps the data directory private to Ferry's user on Unix: the directory is created 0700; the SQLite database is
/// created 0600 before SQLite opens it (its <c>-wal</c>, <c>-shm</c> and journal files take the database file's mode);
/// the admin token file is written 0600. At each start, Ferry's own secret-bearing files found more open (a database
/// or token file from an older version) are tightened to 0600, and a directory readable by others is reported in the
/// log but left as it is (it may be shared on purpose).
/// </summary>
public static partial class PrivateDataFiles
{
    /// <summary>0600.</summary>
    public const UnixFileMode FileMode = PrivateDirectories.FileMode;

    /// <summary>0700.</summary>
    public const UnixFileMode DirectoryMode = PrivateDirectories.DirectoryMode;

    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Creates a directory (and missing parents) 0700 on Unix; an existing one keeps its mode.</summary>
    public static void CreateDirectory(string path) => PrivateDirectories.Create(path);

    /// <summary>
    /// Before the database is opened: creates a missing SQLite file 0600, tightens Ferry's existing files
    /// (<paramref name="sqliteFile"/> and its companions, the admin token file) to 0600 and warns about an open
    /// data directory.
    /// </summary>
    /// <param name="dataDirectory">The data directory.</param>
    /// <param name="sqliteFile">The SQLite database file, or null on PostgreSQL.</param>
    /// <param name="logger">Where tightened files and an open directory are reported.</param>
    public static void Secure(string dataDirectory, string? sqliteFile, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        CreateDirectory(dataDirectory);
        var mode = File.GetUnixFileMode(dataDirectory);
        if ((mode & GroupOrOther) != 0)
        {
            LogOpenDirectory(logger, dataDirectory, Octal(mode));
        }

        if (sqliteFile is not null && sqliteFile != ":memory:" && !sqliteFile.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            var full = Path.GetFullPath(sqliteFile);
            CreateDirectory(Path.GetDirectoryName(full)!);
            if (!File.Exists(full))
            {
                // SQLite creates -wal and -shm with the database file's mode: an empty file is a valid empty database.
                using var created = new FileStream(full, new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = FileMode });
            }

            foreach (var file in new[] { full, full + "-wal", full + "-shm", full + "-journal" })
            {
                Tighten(file, logger);
            }
        }

        Tighten(FerryServerOptions.AdminTokenFile(dataDirectory), logger);
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Tighten(string file, ILogger logger)
    {
        try
        {
            if (!File.Exists(file))
            {
                return;
            }

            var mode = File.GetUnixFileMode(file);
            if ((mode & GroupOrOther) != 0)
            {
                File.SetUnixFileMode(file, mode & ~GroupOrOther);
                LogTightened(logger, file, Octal(mode));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogTightenFailed(logger, file, e.Message);
        }
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    [LoggerMessage(Level = LogLevel.Warning, Message = "The data directory {Directory} is open to other users (mode {Mode}); Ferry's files in it are private, but consider chmod 700")]
    private static partial void LogOpenDirectory(ILogger logger, string directory, string mode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{File} was readable by other users (mode {Mode}); made it 0600")]
    private static partial void LogTightened(ILogger logger, string file, string mode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not make {File} private: {Reason}")]
    private static partial void LogTightenFailed(ILogger logger, string file, string reason);
}
