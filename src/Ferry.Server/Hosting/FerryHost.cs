using Ferry.Core.Models;
using Ferry.Runtimes.MLNet;
using Ferry.Runtimes.Onnx;
using Ferry.Server.Dashboard;
using Ferry.Server.Endpoints.Audit;
using Ferry.Server.Endpoints.Diagnostics;
using Ferry.Server.Endpoints.Explain;
using Ferry.Server.Endpoints.Health;
using Ferry.Server.Endpoints.Mlflow;
using Ferry.Server.Endpoints.Mlflow.Artifacts;
using Ferry.Server.Endpoints.Models;
using Ferry.Server.Endpoints.Monitoring;
using Ferry.Server.Endpoints.Serving;
using Ferry.Server.Endpoints.Tokens;
using Ferry.Server.Errors;
using Ferry.Server.Identity;
using Ferry.Server.Monitoring;
using Ferry.Server.Serving;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Prometheus;
using Scalar.AspNetCore;

namespace Ferry.Server.Hosting;

/// <summary>Composes Ferry's web application: services in <see cref="AddFerryServer"/>, pipeline and routes in <see cref="UseFerryServer"/>.</summary>
public static class FerryHost
{
    /// <summary>Builds a ready-to-run server from options.</summary>
    public static WebApplication Build(FerryServerOptions options, string[]? args = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        MetricsExport.Configure();
        Directory.CreateDirectory(options.DataDirectory);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args ?? [],
            ApplicationName = typeof(FerryHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
        });
        builder.WebHost.UseUrls($"http://{FormatHost(options.Host)}:{options.Port}");
        builder.Services.AddFerryServer(options);
        builder.Logging.AddFerryLogging(options);
        var app = builder.Build();
        app.UseFerryServer();
        return app;
    }

    /// <summary>Registers every service the server needs.</summary>
    public static IServiceCollection AddFerryServer(this IServiceCollection services, FerryServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
#pragma warning disable RS0030 // composition root: the server runs on the system clock unless its options bring one (tests, quickstart's replayed day)
        var clock = options.Clock ?? TimeProvider.System;
#pragma warning restore RS0030
        services.AddSingleton(clock);
        services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(30));
        services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, FerryJsonContext.Default));
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier);
        services.AddExceptionHandler<FerryExceptionHandler>();
        services.AddMemoryCache();
        services.AddRouting();

        services.AddFerryDatabase(options);
        services.AddFerryArtifactStore(options, clock);
        services.AddSingleton<DatabaseReadiness>();
        services.AddHostedService<DatabaseInitializer>();
        services.AddFerryPredictionLog(options);
        services.TryAddSingleton(new ModelCacheOptions { ModelMemoryBudgetBytes = options.ModelMemoryBudgetBytes });
        services.AddFerryModelServing();
        services.AddFerryMonitoring(options);

        services.AddSingleton<TokenCache>();
        services.AddAuthentication(TokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null);
        services.AddSingleton<IAuthorizationHandler, MinimumRoleHandler>();
        services.AddAuthorizationBuilder().AddFerryPolicies();
        services.AddFerryDashboard();
        services.AddScoped<CardFieldsReader>();

        services.AddOpenApi("v1", openApi => openApi.AddDocumentTransformer<BearerSecurityTransformer>());
        services.AddSingleton<IModelSignatureReader>(_ => new OnnxSignatureReader());
        services.AddSingleton<IModelSignatureReader>(_ => new MLNetSignatureReader());
        services.AddFerryTelemetry();
        return services;
    }

    /// <summary>Adds the middleware pipeline and maps every route.</summary>
    public static WebApplication UseFerryServer(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages(context => ProblemResponses.WriteStatusCodeAsync(context.HttpContext));
        app.UseRouting();
        app.UseHttpMetrics();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapHealthApi();
        app.MapMetrics("/metrics").AllowAnonymous().WithTags("Health").ExcludeFromDescription();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference("/docs", scalar => scalar.WithTitle("Ferry API").WithOpenApiRoutePattern("/openapi/{documentName}.json"))
            .AllowAnonymous();

        app.MapTokensApi();
        app.MapAuditApi();
        app.MapModelsApi();
        app.MapEndpointsApi();
        app.MapMlflowApi();
        app.MapMlflowServerInfo();
        app.MapMlflowRunArtifacts();
        app.MapFeedbackApi();
        app.MapPredictionsApi();
        app.MapPredictApi();
        app.MapEchoApi();
        app.MapOipApi();
        app.MapInvocationsApi();
        app.MapReferenceApi();
        app.MapMonitorsApi();
        app.MapAlertsApi();
        app.MapExplainApi();
        app.MapModelCardApi();
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

    private static string FormatHost(string host) =>
        host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host;
}
