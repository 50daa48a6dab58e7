using Ferry.Core.Identity;
using Ferry.Server.Endpoints.Health;
using Ferry.Server.Telemetry;
using Ferry.Storage;
using Ferry.Storage.Bootstrap;

namespace Ferry.Server.Hosting;

/// <summary>
/// Runs before the server listens: prepares and migrates the database, then makes sure an admin token
/// exists. On first start it generates one, prints it once and writes it to <c>&lt;data-dir&gt;/admin.token</c>
/// (mode 0600); <c>FERRY_ADMIN_TOKEN</c> supplies one instead.
/// </summary>
public sealed partial class DatabaseInitializer(
    IServiceScopeFactory scopes,
    FerryServerOptions options,
    DatabaseReadiness readiness,
    IHostApplicationLifetime lifetime,
    TimeProvider clock,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    /// <summary>The actor recorded for changes Ferry makes on its own.</summary>
    public const string SystemActor = "system";

    /// <summary>Logged once start-up is complete (the admin token and the default experiment exist; <c>/readyz</c> answers 200).</summary>
    public const string ReadyMessage = "Ferry is ready: /readyz answers 200";

    // Starts as the host resolves its hosted services (this one among the first), before any of them starts: EF's
    // one-time set-up and the SQLite native library's load run beside the construction of the other services, and
    // StartAsync's migration finds them done. It touches no file; a failure here is left to StartAsync to meet.
    private readonly Task _warmUp = Task.Run(() => WarmUpAsync(scopes));

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        StartupTimings.Mark("database-start");
        if (!string.IsNullOrEmpty(options.AdminToken) && options.AdminToken.Length < TokenSecret.MinimumSuppliedLength)
        {
            throw new InvalidOperationException(
                $"FERRY_ADMIN_TOKEN must be at least {TokenSecret.MinimumSuppliedLength} characters (128 bits of randomness).");
        }

        var (kind, connectionString) = DatabaseRegistration.Resolve(options.Database, options.DataDirectory);
        PrivateDataFiles.Secure(options.DataDirectory, kind == DatabaseRegistration.Kind.Sqlite ? DatabaseRegistration.SqliteFile(connectionString) : null, logger);

        bool created;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FerryDbContext>();
            created = await DatabaseMigrator.MigrateAsync(db, scope.ServiceProvider.GetService<IDatabasePreparer>(), scope.ServiceProvider.GetService<IEmptyDatabaseSchema>(), cancellationToken);
            LogMigrated(logger, db.Database.ProviderName ?? "unknown");
        }

        readiness.MarkMigrated();
        StartupTimings.Mark("database-migrated");

        // The admin token and the default experiment are created while the rest of the host starts (Kestrel, routes,
        // background services). /readyz waits for them.
        _ = Task.Run(() => InitializeAsync(created), CancellationToken.None);
    }

    private async Task InitializeAsync(bool created)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            if (created)
            {
                // A database created just now from the schema script gets them as plain inserts: EF's first query and
                // first SaveChanges in a process would cost most of a cold start.
                var secret = await FreshDatabaseSeed.SeedAsync(scope.ServiceProvider.GetRequiredService<FerryDbContext>(), options.AdminToken, SystemActor, clock, lifetime.ApplicationStopping);
                await AnnounceAdminAsync(secret, lifetime.ApplicationStopping);
            }
            else
            {
                await EnsureAdminTokenAsync(scope.ServiceProvider.GetRequiredService<ITokenStore>(), lifetime.ApplicationStopping);
                await scope.ServiceProvider.GetRequiredService<Ferry.Core.Tracking.ITrackingStore>().EnsureDefaultExperimentAsync(SystemActor, lifetime.ApplicationStopping);
            }

            readiness.MarkInitialized();
            StartupTimings.Mark("admin-token-seeded");
            LogReady(logger);
        }
        catch (Exception exception)
        {
            readiness.MarkFailed(exception);
            LogInitializationFailed(logger, exception);
            lifetime.StopApplication();
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Completes when the warm-up (EF's model and services, the provider's connection type) has run.</summary>
    internal Task WarmUp => _warmUp;

    private static async Task WarmUpAsync(IServiceScopeFactory scopes)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            DatabaseMigrator.WarmUp(scope.ServiceProvider.GetRequiredService<FerryDbContext>());
        }
        catch (Exception)
        {
            // The host was disposed before it started, or the provider cannot load: the migration meets and reports it.
        }
    }

    private async Task EnsureAdminTokenAsync(ITokenStore tokens, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(options.AdminToken))
        {
            var (_, added) = await tokens.EnsureAsync("admin", Role.Admin, options.AdminToken, SystemActor, cancellationToken);
            if (added)
            {
                LogSuppliedAdmin(logger);
            }

            return;
        }

        if (await tokens.AnyAsync(cancellationToken))
        {
            return;
        }

        var created = await tokens.CreateAsync("admin", Role.Admin, null, SystemActor, cancellationToken);
        await AnnounceAdminAsync(created.Secret, cancellationToken);
    }

    /// <summary>Logs a supplied admin token; saves (and prints, when asked) a generated one.</summary>
    private async Task AnnounceAdminAsync(string secret, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(options.AdminToken))
        {
            LogSuppliedAdmin(logger);
            return;
        }

        var file = FerryServerOptions.AdminTokenFile(options.DataDirectory);
        await WriteSecretFileAsync(file, secret, cancellationToken);
        LogGeneratedAdmin(logger, file);
        if (options.PrintAdminToken)
        {
            await Console.Out.WriteLineAsync($"""

                Ferry created an admin token. It is shown once here and saved to {file} (mode 0600):

                    {secret}

                """);
        }
    }

    private static async Task WriteSecretFileAsync(string path, string secret, CancellationToken cancellationToken)
    {
        PrivateDataFiles.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        var fileOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(temp, fileOptions))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteAsync(secret.AsMemory(), cancellationToken);
        }

        File.Move(temp, path, overwrite: true);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Creating the admin token or the default experiment failed; the server stops")]
    private static partial void LogInitializationFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Metadata database ready ({Provider})")]
    private static partial void LogMigrated(ILogger logger, string provider);

    [LoggerMessage(Level = LogLevel.Information, Message = ReadyMessage)]
    private static partial void LogReady(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Added the admin token supplied by FERRY_ADMIN_TOKEN")]
    private static partial void LogSuppliedAdmin(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No token existed: created an admin token and saved it to {File}")]
    private static partial void LogGeneratedAdmin(ILogger logger, string file);
}
