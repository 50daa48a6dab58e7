namespace Ferry.Server.Hosting;

/// <summary>How a Ferry server is started; filled from the command line and <c>FERRY_*</c> environment variables.</summary>
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

    /// <summary>Where artifacts are stored, chosen by URI scheme: null for <c>file://&lt;data-dir&gt;/artifacts</c>; <c>file:///path</c> or a plain path for another directory (<c>s3://</c> is not supported yet).</summary>
    public string? ArtifactRoot { get; set; }

    /// <summary>Largest artifact upload (MLflow's <c>PUT …/mlflow-artifacts/artifacts/…</c>, the one route exempt from <see cref="MaxRequestBodyBytes"/>), in bytes; default 5 GiB, null for no limit.</summary>
    public long? ArtifactMaxBytes { get; set; } = 5L * 1024 * 1024 * 1024;

    /// <summary>"text" (default) or "json" for one JSON object per log line.</summary>
    public string LogFormat { get; set; } = "text";

    /// <summary>Minimum log level for Ferry's own categories (default Information).</summary>
    public LogLevel LogLevel { get; set; } = LogLevel.Information;

    /// <summary>How long an authenticated token is remembered before the database is asked again (revocation delay on other replicas).</summary>
    public TimeSpan TokenCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>True to print the generated admin token on the console at first start (the CLI does; tests don't).</summary>
    public bool PrintAdminToken { get; set; } = true;

    /// <summary>Most memory the loaded models may hold together; least recently used models beyond it are unloaded (default 2 GiB).</summary>
    public long ModelMemoryBudgetBytes { get; set; } = 2L << 30;

    /// <summary>Most predictions held in memory waiting to be written to the prediction log (default 100,000).</summary>
    public int PredictionLogCapacity { get; set; } = 100_000;

    /// <summary>Most predictions written to the prediction log in one batch (one transaction; default 1,000).</summary>
    public int PredictionLogBatchSize { get; set; } = 1000;

    /// <summary>Longest a batch waits to fill before it is written (default 200 ms).</summary>
    public TimeSpan PredictionLogFlushInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a request waits for room in a full prediction-log buffer before it is refused with 503 (default 100 ms).</summary>
    public TimeSpan PredictionLogFullWait { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long logged predictions (and their feedback) are kept (default 30 days; null keeps them forever).</summary>
    public TimeSpan? PredictionRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Width of a monitoring profile bucket (the finest time resolution of drift reports).</summary>
    public TimeSpan ProfileBucketWidth { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often folded profiles are written to the database.</summary>
    public TimeSpan ProfileFlushInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Wait before the second try of a webhook delivery; each later wait doubles.</summary>
    public TimeSpan AlertRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Tries per webhook and alert event.</summary>
    public int AlertMaxAttempts { get; set; } = 5;

    /// <summary>
    /// The server's clock: null for the system clock. <c>ferry quickstart</c> passes a clock that replays a simulated
    /// day; every time Ferry records (predictions, feedback, profiles, reports, audit events) comes from it.
    /// </summary>
    public TimeProvider? Clock { get; set; }

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
