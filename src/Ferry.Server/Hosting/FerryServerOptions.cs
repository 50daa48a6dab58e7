namespace Ferry.Server.Hosting;

/// <summary>
/// How a Ferry server is started (address, data directory, database, admin token, request limit, logging); filled
/// from the command line and <c>FERRY_*</c> environment variables. Each feature's own settings are options bound from
/// its configuration section under <c>Ferry:</c> (see <see cref="FerryHost.Build"/>).
/// </summary>
public sealed class FerryServerOptions
{
    /// <summary>Default port.</summary>
    public const int DefaultPort = 5077;

    /// <summary>Address to listen on (default 127.0.0.1; use 0.0.0.0 to listen beyond this machine).</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Port to listen on; 0 picks a free one.</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>Where the SQLite database, artifacts and the admin token live (default <c>~/.ferry</c>).</summary>
    public string DataDirectory { get; set; } = DefaultDataDirectory();

    /// <summary>
    /// The metadata database: null for SQLite at <c>&lt;data-dir&gt;/ferry.db</c>; an ADO.NET connection string
    /// with <c>Host=</c> for PostgreSQL, or with <c>Data Source=</c> for another SQLite file.
    /// </summary>
    public string? Database { get; set; }

    /// <summary>An admin secret supplied from outside (<c>FERRY_ADMIN_TOKEN</c>) instead of a generated one.</summary>
    public string? AdminToken { get; set; }

    /// <summary>Largest request body accepted on ordinary API routes, in bytes (default 16 MiB).</summary>
    public long MaxRequestBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>"text" (default) or "json" for one JSON object per log line.</summary>
    public string LogFormat { get; set; } = "text";

    /// <summary>Minimum log level for Ferry's own categories (default Information).</summary>
    public LogLevel LogLevel { get; set; } = LogLevel.Information;

    /// <summary>True to print the generated admin token on the console at first start (the CLI does; tests don't).</summary>
    public bool PrintAdminToken { get; set; } = true;

    /// <summary><c>~/.ferry</c>.</summary>
    public static string DefaultDataDirectory()
    {
        // The home folder is "" when HOME is unset or missing (containers, CI): fall back to an absolute
        // path under the working directory rather than a relative one that moves with it.
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.GetFullPath(Path.Combine(string.IsNullOrEmpty(home) ? Directory.GetCurrentDirectory() : home, ".ferry"));
    }

    /// <summary>The admin token file inside a data directory.</summary>
    public static string AdminTokenFile(string dataDirectory) => Path.Combine(dataDirectory, "admin.token");
}
