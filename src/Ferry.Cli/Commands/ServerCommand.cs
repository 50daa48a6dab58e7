using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using Ferry.Cli.Settings;
using Ferry.Server.Artifacts;
using Ferry.Server.Endpoints.Health;
using Ferry.Server.Hosting;
using Ferry.Server.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ferry.Cli.Commands;

/// <summary><c>ferry server</c>: runs the Ferry server until SIGINT or SIGTERM, then shuts down gracefully.</summary>
internal sealed class ServerCommand : Command
{
    private static readonly string[] LogFormats = ["text", "json"];

    private readonly Option<string?> _host = new("--host")
    {
        Description = $"Address to listen on; 0.0.0.0 listens beyond this machine [env: {FerryEnvironment.Host}] [default: 127.0.0.1]",
        HelpName = "address",
    };

    private readonly Option<int?> _port = new("--port", "-p")
    {
        Description = $"Port to listen on; 0 picks a free one [env: {FerryEnvironment.Port}] [default: {FerryServerOptions.DefaultPort}]",
        HelpName = "port",
    };

    private readonly Option<string?> _dataDirectory = StorageOptions.CreateDataDirectory();

    private readonly Option<string?> _database = StorageOptions.CreateDatabase();

    private readonly Option<string?> _artifactRoot = new("--artifact-root")
    {
        Description = $"Where artifacts are stored, as a file:// URI, a path or s3://bucket/prefix (docs/artifacts-s3.md) [env: {FerryEnvironment.ArtifactRoot}] [default: file://<data-dir>/artifacts]",
        HelpName = "uri",
    };

    private readonly Option<string?> _logFormat = new("--log-format")
    {
        Description = $"Log lines as text or one JSON object per line [env: {FerryEnvironment.LogFormat}] [default: text]",
        HelpName = "text|json",
    };

    private readonly ServingSettings _serving = new();

    private readonly SecuritySettings _security = new();

    public ServerCommand()
        : base("server", $"Run the Ferry server. The first start creates an admin token, prints it once and saves it to <data-dir>/admin.token; {FerryEnvironment.AdminToken} supplies one instead.")
    {
        _logFormat.AcceptOnlyFromAmong(LogFormats);
        _port.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } port && !IsPort(port))
            {
                result.AddError("--port must be between 0 and 65535");
            }
        });
        Options.Add(_host);
        Options.Add(_port);
        Options.Add(_dataDirectory);
        Options.Add(_database);
        Options.Add(_artifactRoot);
        Options.Add(_logFormat);
        _serving.AddTo(this);
        _security.AddTo(this);
        this.SetGuardedAction((parseResult, _) => RunAsync(parseResult));
    }

    private async Task<int> RunAsync(ParseResult parseResult)
    {
        StartupTimings.Mark("server-command");
        var options = ReadOptions(parseResult);
        var settings = ReadSettings(parseResult);
        StorageOptions.ResolveConnection(options.Database, options.DataDirectory);

        await using var app = BuildOrExplain(options, settings);
        var readiness = app.Services.GetRequiredService<DatabaseReadiness>();
        StartupTimings.Mark("options-validated");
        app.Lifetime.ApplicationStarted.Register(() => StartupTimings.Mark("listening"));
        try
        {
            // The host's console lifetime turns SIGINT/SIGTERM into a graceful shutdown; RunAsync returns after it.
            await app.RunAsync();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or DbException)
        {
            throw new CliException(ExitCodes.Failure, $"the server failed: {e.Message}", e);
        }

        // Start-up creates the admin token and the default experiment after migrating, beside the rest of the host;
        // when that failed the server stopped itself, and the command fails with the reason.
        if (readiness.Initialized is { IsFaulted: true } failed)
        {
            var reason = failed.Exception!.GetBaseException();
            throw new CliException(ExitCodes.Failure, $"the server failed: {reason.Message}", reason);
        }

        return ExitCodes.Success;
    }

    // Builds the host and checks every feature's options before it starts, so a bad value from the settings file or a
    // Ferry__* variable is refused like a bad option (exit code 2) rather than failing the start.
    private static WebApplication BuildOrExplain(FerryServerOptions options, IReadOnlyDictionary<string, string?> settings)
    {
        WebApplication app;
        try
        {
            app = FerryHost.Build(options, configure: builder => builder.Configuration.AddInMemoryCollection(settings));
        }
        catch (ArgumentException e)
        {
            throw new CliException(ExitCodes.InvalidArguments, StorageOptions.WithoutParameterName(e), e);
        }

        try
        {
            app.Services.GetService<IStartupValidator>()?.Validate();
            return app;
        }
        catch (Exception e) when (e is OptionsValidationException or AggregateException { InnerExceptions: [OptionsValidationException, ..] })
        {
            ((IDisposable)app).Dispose();
            var failures = e is AggregateException all ? all.InnerExceptions.Select(inner => inner.Message) : [e.Message];
            throw new CliException(ExitCodes.InvalidArguments, string.Join("; ", failures), e);
        }
    }

    private FerryServerOptions ReadOptions(ParseResult parseResult)
    {
        var options = new FerryServerOptions
        {
            DataDirectory = StorageOptions.ResolveDataDirectory(parseResult, _dataDirectory),
            Database = StorageOptions.ResolveDatabase(parseResult, _database),
            AdminToken = FerryEnvironment.Get(FerryEnvironment.AdminToken),
            PrintAdminToken = true,
        };
        if ((parseResult.GetValue(_host) ?? FerryEnvironment.Get(FerryEnvironment.Host)) is { } host)
        {
            options.Host = host;
        }

        options.Port = parseResult.GetValue(_port) ?? PortFromEnvironment() ?? FerryServerOptions.DefaultPort;
        options.LogFormat = parseResult.GetValue(_logFormat) ?? LogFormatFromEnvironment() ?? "text";
        return options;
    }

    // The flags and FERRY_* variables of feature options, as configuration keys above every other source.
    private Dictionary<string, string?> ReadSettings(ParseResult parseResult)
    {
        var settings = _serving.Read(parseResult);
        foreach (var (key, value) in _security.Read(parseResult))
        {
            settings[key] = value;
        }
        if ((parseResult.GetValue(_artifactRoot) ?? FerryEnvironment.Get(FerryEnvironment.ArtifactRoot)) is { } artifactRoot)
        {
            settings[ServingSettings.Key(ArtifactStoreOptions.Section, nameof(ArtifactStoreOptions.Root))] = artifactRoot;
        }

        return settings;
    }

    private static int? PortFromEnvironment()
    {
        var text = FerryEnvironment.Get(FerryEnvironment.Port);
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && IsPort(port)
            ? port
            : throw new CliException(ExitCodes.InvalidArguments, $"{FerryEnvironment.Port} must be a port number between 0 and 65535, not '{text}'");
    }

    private static string? LogFormatFromEnvironment()
    {
        var text = FerryEnvironment.Get(FerryEnvironment.LogFormat);
        if (text is null)
        {
            return null;
        }

        return LogFormats.FirstOrDefault(format => string.Equals(format, text.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new CliException(ExitCodes.InvalidArguments, $"{FerryEnvironment.LogFormat} must be 'text' or 'json', not '{text}'");
    }

    private static bool IsPort(int port) => port is >= 0 and <= 65535;
}
