using Ferry.Core.Signatures;
using Ferry.Runtimes.MLNet;
using Ferry.Runtimes.Onnx;
using Ferry.Server.Artifacts;
using Ferry.Server.Cluster;
using Ferry.Server.Dashboard;
using Ferry.Server.Endpoints.Audit;
using Ferry.Server.Endpoints.Diagnostics;
using Ferry.Server.Endpoints.Explain;
using Ferry.Server.Endpoints.Governance;
using Ferry.Server.Endpoints.Health;
using Ferry.Server.Endpoints.Identity;
using Ferry.Server.Endpoints.Mlflow;
using Ferry.Server.Endpoints.Mlflow.Artifacts;
using Ferry.Server.Endpoints.Models;
using Ferry.Server.Endpoints.Monitoring;
using Ferry.Server.Endpoints.Oversight;
using Ferry.Server.Endpoints.Pipelines;
using Ferry.Server.Endpoints.Rollouts;
using Ferry.Server.Endpoints.Serving;
using Ferry.Server.Endpoints.Serving.Grpc;
using Ferry.Server.Errors;
using Ferry.Server.Explain;
using Ferry.Server.Governance;
using Ferry.Server.Governance.Gates;
using Ferry.Server.Governance.Webhooks;
using Ferry.Server.Health;
using Ferry.Server.Identity;
using Ferry.Server.Memory;
using Ferry.Server.Monitoring;
using Ferry.Server.Oversight;
using Ferry.Server.Oversight.Subjects;
using Ferry.Server.Pipelines;
using Ferry.Server.Pipelines.Evaluation;
using Ferry.Server.Pipelines.Execution;
using Ferry.Server.RateLimiting;
using Ferry.Server.References;
using Ferry.Server.Scheduling;
using Ferry.Server.Serving;
using Ferry.Server.Telemetry;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Prometheus;
using Scalar.AspNetCore;

namespace Ferry.Server.Hosting;

/// <summary>Composes Ferry's web application: services in <see cref="AddFerryServer"/>, pipeline and routes in <see cref="UseFerryServer"/>.</summary>
public static class FerryHost
{
    /// <summary>The optional settings file in the data directory, read below environment variables.</summary>
    public const string SettingsFileName = "ferry.json";

    /// <summary>
    /// Builds a ready-to-run server. Hosting comes from <paramref name="options"/>; each feature's options come from
    /// its configuration section under <c>Ferry:</c> (for example <c>Ferry:PredictionLog:Capacity</c>): the optional
    /// <c>&lt;data-dir&gt;/ferry.json</c>, then environment variables (<c>Ferry__PredictionLog__Capacity</c>), then
    /// whatever <paramref name="configure"/> adds, and are checked when the server starts.
    /// </summary>
    /// <param name="options">How the server is started.</param>
    /// <param name="clock">The server's clock (null for the system clock): <c>ferry quickstart</c> passes one that replays
    /// a simulated day; every time Ferry records (predictions, feedback, profiles, reports, audit events) comes from it.</param>
    /// <param name="configure">Runs last, before the application is built: adds configuration (the CLI's flags) or
    /// services (tests' <c>services.Configure&lt;PredictionLogOptions&gt;(...)</c>).</param>
    public static WebApplication Build(FerryServerOptions options, TimeProvider? clock = null, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        StartupTimings.Mark("host-build-start");
        MetricsExport.Configure();
        PrivateDataFiles.CreateDirectory(options.DataDirectory);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(FerryHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        StartupTimings.Mark("host-builder-created");
        AddSettingsFile(builder.Configuration, Path.Combine(options.DataDirectory, SettingsFileName));
        builder.WebHost.UseKestrelCore().UseKestrelHttpsConfiguration().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
        });
        var plainUrl = $"http://{FormatHost(options.Host)}:{options.Port}";
        builder.WebHost.UseUrls(plainUrl);
        builder.Services.AddFerryServer(options, clock);
        builder.Logging.AddFerryLogging(options);
        configure?.Invoke(builder);
        StartupTimings.Mark("services-registered");
        // With a certificate (Ferry:Https:Certificate, from any source, the CLI's flags included) the same address
        // speaks HTTPS; a host that chose its own addresses keeps them.
        if (builder.Configuration.GetSection(HttpsOptions.Section).Get<HttpsOptions>() is { Enabled: true }
            && builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey) == plainUrl)
        {
            builder.WebHost.UseUrls($"https://{FormatHost(options.Host)}:{options.Port}");
        }

        // Ferry:Grpc:Port adds an HTTP/2-only port for gRPC beside Ferry's own address (not beside a host's own addresses).
        if (builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey) is { } url && url.EndsWith($"://{FormatHost(options.Host)}:{options.Port}", StringComparison.Ordinal))
        {
            builder.UseFerryGrpcPort(url);
        }
        var app = builder.Build();
        StartupTimings.Mark("host-built");
        app.UseFerryServer();
        StartupTimings.Mark("routes-mapped");
        return app;
    }

    /// <summary>
    /// Registers every service the server needs: each feature registers itself and binds its own options from
    /// configuration (an <see cref="IConfiguration"/> must be registered, as the web host does).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="options">How the server is started.</param>
    /// <param name="clock">The server's clock; null for the system clock.</param>
    public static IServiceCollection AddFerryServer(this IServiceCollection services, FerryServerOptions options, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
#pragma warning disable RS0030 // composition root: the server runs on the system clock unless its host brings one (tests, quickstart's replayed day)
        services.AddSingleton(clock ?? TimeProvider.System);
#pragma warning restore RS0030
        services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(30));
        services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, FerryJsonContext.Default));
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier);
        services.AddExceptionHandler<FerryExceptionHandler>();
        services.AddMemoryCache();
        services.AddRouting();

        services.AddFerryDatabase(options);
        services.AddFerryCluster();
        services.AddFerryDatabaseOutage();
        services.AddFerryArtifactStore(options.DataDirectory);
        services.AddSingleton<DatabaseReadiness>();
        services.AddHostedService<DatabaseInitializer>();
        services.AddFerrySealing(); // before the prediction log: its shutdown seal runs after the log has drained
        services.AddFerryPredictionLog();
        services.AddFerryModelServing();
        var (databaseKind, databaseConnection) = DatabaseRegistration.Resolve(options.Database, options.DataDirectory);
        services.AddFerryScheduling(databaseKind == DatabaseRegistration.Kind.PostgreSql ? databaseConnection : null);
        services.AddFerryClusterTicks();
        services.AddFerryMonitoring();
        services.AddFerryReviews();
        services.AddFerryReferenceJobs(options.DataDirectory);
        services.AddFerryExplanations();
        services.AddFerryGovernance();
        services.AddQualityGates();
        services.AddFerryRegistryWebhooks(options.DataDirectory);
        services.AddFerrySubjects(options.DataDirectory);
        services.AddFerryIdentity();
        services.AddFerryDashboard();
        services.AddFerryRateLimits();
        services.AddFerryHttps();
        services.AddFerryGrpc();
        services.AddFerrySuspensions();
        services.AddFerryLoop();
        services.Configure<PipelineExecutionOptions>(o => o.Directory ??= Path.Join(options.DataDirectory, "pipelines"));

        services.AddOpenApi("v1", openApi => openApi.AddDocumentTransformer<BearerSecurityTransformer>());
        services.AddSingleton<IModelSignatureReader>(_ => new OnnxSignatureReader());
        services.AddSingleton<IModelSignatureReader>(_ => new MLNetSignatureReader());
        services.AddFerryTelemetry();
        services.AddFerryMemoryTrimming();
        services.RemoveUnusedKeyRingStartup(); // last: authentication and antiforgery both add data protection
        return services;
    }

    /// <summary>Adds the middleware pipeline and maps every route.</summary>
    public static WebApplication UseFerryServer(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseFerryReplicaHeader();
        app.UseExceptionHandler();
        app.UseStatusCodePages(context => ProblemResponses.WriteStatusCodeAsync(context.HttpContext));
        app.UseFerryHttps();
        app.UseFrontDoor();
        app.UseRequestTextCheck();
        app.UseRouting();
        app.UseHttpMetrics();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseResourcePermissions();
        app.UseAntiforgery();
        app.UseRateLimiter();

        app.MapHealthApi();
        app.MapMetrics("/metrics").AllowAnonymous().WithTags("Health").ExcludeFromDescription();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference("/docs", scalar => scalar.WithTitle("Ferry API").WithOpenApiRoutePattern("/openapi/{documentName}.json"))
            .AllowAnonymous();

        app.MapTokensApi();
        app.MapGroupsApi();
        app.MapGrantsApi();
        app.MapDashboardSessionsApi();
        app.MapAuditApi();
        app.MapSealingApi();
        app.MapModelsApi();
        app.MapEndpointsApi();
        app.MapSuspensionApi();
        app.MapMlflowApi();
        app.MapMlflowServerInfo();
        app.MapMlflowRunArtifacts();
        app.MapFeedbackApi();
        app.MapPredictionsApi();
        app.MapPredictionExportApi();
        app.MapReviewsApi();
        app.MapPredictApi();
        app.MapEchoApi();
        app.MapOipApi();
        app.MapFerryGrpc();
        app.MapInvocationsApi();
        app.MapReferenceApi();
        app.MapMonitorsApi();
        app.MapAlertsApi();
        Endpoints.Pipelines.PipelineFiringsApi.MapPipelineFiringsApi(app);
        app.MapGovernanceWebhooksApi();
        app.MapExplainApi();
        app.MapModelCardApi();
        app.MapNoticeApi();
        app.MapGovernanceApi();
        app.MapRolloutsApi();
        app.MapHoldoutDatasetsApi();
        app.MapDatasetsApi();
        app.MapPipelinesApi();
        app.MapSubjectsApi();
        app.MapEvaluationsApi();
        app.MapDashboard();
        return app;
    }

    private static IServiceCollection AddFerryTelemetry(this IServiceCollection services)
    {
        // Traces are recorded only when they have somewhere to go: recording them for nobody costs every request.
        var otlp = Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT");
        if (string.IsNullOrWhiteSpace(otlp))
        {
            return services;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("ferry", serviceVersion: typeof(FerryHost).Assembly.GetName().Version?.ToString()))
            .WithTracing(tracing => tracing
                .AddSource(FerryTelemetry.SourceName)
                .AddAspNetCoreInstrumentation(aspnet => aspnet.Filter = context =>
                    !context.Request.Path.StartsWithSegments("/metrics") && !context.Request.Path.StartsWithSegments("/healthz"))
                .AddHttpClientInstrumentation())
            .UseOtlpExporter();
        return services;
    }

    private static ILoggingBuilder AddFerryLogging(this ILoggingBuilder logging, FerryServerOptions options)
    {
        logging.ClearProviders();
        if (string.Equals(options.LogFormat, "json", StringComparison.OrdinalIgnoreCase))
        {
            logging.AddJsonConsole(json => json.UseUtcTimestamp = true);
        }
        else
        {
            logging.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.UseUtcTimestamp = true;
                console.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z' ";
            });
        }

        logging.SetMinimumLevel(options.LogLevel);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", options.LogLevel);
        logging.AddFilter("System.Net.Http", LogLevel.Warning);
        logging.AddFilter("Quartz", LogLevel.Warning);
        return logging;
    }

    // Below the environment variables (and the command line), above appsettings.json: the usual order of precedence.
    private static void AddSettingsFile(ConfigurationManager configuration, string path)
    {
        var file = new JsonConfigurationSource { Path = path, Optional = true, ReloadOnChange = false };
        file.ResolveFileProvider();
        var environment = configuration.Sources.ToList().FindIndex(source => source is EnvironmentVariablesConfigurationSource { Prefix: null or "" });
        configuration.Sources.Insert(environment < 0 ? configuration.Sources.Count : environment, file);
    }

    private static string FormatHost(string host) =>
        host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host;
}
