using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Ferry.Server.Dashboard;
using Ferry.Server.Dashboard.Pages;
using Ferry.Server.Errors;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Ferry.Server.RateLimiting;

/// <summary>
/// Rate limits with ASP.NET Core's rate limiter: per API token and per serving endpoint (both off unless configured,
/// so nothing is measured on the serving path by default), and on dashboard sign-in per client address (on by
/// default). A refused request gets 429 with <c>Retry-After</c> in its route's error shape: problem+json on Ferry's
/// API, MLflow's <c>REQUEST_LIMIT_EXCEEDED</c> on MLflow routes, <c>{"error"}</c> on <c>/v2</c>, a page on <c>/ui</c>.
/// </summary>
public static class RateLimitRegistration
{
    /// <summary>The prediction routes <see cref="RateLimitOptions.PerEndpoint"/> applies to, by route pattern.</summary>
    public static IReadOnlySet<string> ServingRoutes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "/api/v1/endpoints/{name}/predict",
        "/api/v1/endpoints/{name}/invocations",
        "/v2/models/{name}/infer",
        "/v2/models/{name}/versions/{version:int}/infer",
    };

    /// <summary>Adds the limiter with <see cref="RateLimitOptions"/> bound from <see cref="RateLimitOptions.Section"/> and checked at start-up.</summary>
    public static IServiceCollection AddFerryRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>();
        services.AddSingleton<RateLimitMetrics>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>, RateLimitMetrics>(
            (limiter, options, metrics) => Configure(limiter, options.Value, metrics));
        return services;
    }

    /// <summary>True when a request is one of the <see cref="ServingRoutes"/>.</summary>
    public static bool IsServingRoute(HttpContext context) =>
        context?.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } pattern } && ServingRoutes.Contains(pattern);

    private static void Configure(RateLimiterOptions limiter, RateLimitOptions options, RateLimitMetrics metrics)
    {
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.OnRejected = (context, _) => RejectAsync(context, options, metrics);
        var signIn = options.SignIn;
        limiter.AddPolicy(DashboardRateLimits.SignInPolicy, context => signIn.Enabled
            ? RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => FixedWindow(signIn))
            : RateLimitPartition.GetNoLimiter(string.Empty));

        var limiters = new List<PartitionedRateLimiter<HttpContext>>();
        if (options.PerToken.Enabled)
        {
            var rule = options.PerToken;
            limiters.Add(PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.User.FindFirst(ClaimTypes.NameIdentifier)?.Value is { } tokenId
                    ? RateLimitPartition.GetFixedWindowLimiter(tokenId, _ => FixedWindow(rule))
                    : RateLimitPartition.GetNoLimiter(string.Empty)));
        }

        if (options.PerEndpoint.Enabled)
        {
            var rule = options.PerEndpoint;
            limiters.Add(PartitionedRateLimiter.Create<HttpContext, string>(context =>
                IsServingRoute(context) && context.GetRouteValue("name") is string endpoint
                    ? RateLimitPartition.GetFixedWindowLimiter(endpoint, _ => FixedWindow(rule))
                    : RateLimitPartition.GetNoLimiter(string.Empty)));
        }

        // No global limiter at all unless one is configured: the middleware then skips every route without a policy.
        limiter.GlobalLimiter = limiters.Count switch
        {
            0 => null,
            1 => limiters[0],
            _ => PartitionedRateLimiter.CreateChained([.. limiters]),
        };
    }

    private static FixedWindowRateLimiterOptions FixedWindow(RateLimitRule rule) => new()
    {
        PermitLimit = rule.PermitLimit,
        Window = rule.Window,
        QueueLimit = rule.QueueLimit,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    };

    private static async ValueTask RejectAsync(OnRejectedContext rejected, RateLimitOptions options, RateLimitMetrics metrics)
    {
        var context = rejected.HttpContext;
        var path = context.Request.Path;
        var signIn = path.StartsWithSegments("/ui", StringComparison.Ordinal);
        var serving = IsServingRoute(context);
        var fallback = signIn ? options.SignIn.Window : serving && options.PerEndpoint.Enabled ? options.PerEndpoint.Window : options.PerToken.Window;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) && wait > TimeSpan.Zero ? wait : fallback;
        var seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
        metrics.Rejected(signIn ? "signin" : serving ? "serving" : "api");
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var message = $"Too many requests: the rate limit was reached; retry after {seconds} s.";
        if (signIn)
        {
            await SignInPage.TooManyAttempts(context, seconds).ExecuteAsync(context);
        }
        else
        {
            await ProtocolErrors.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests", message, MlflowErrorCodes.RequestLimitExceeded);
        }
    }
}

/// <summary>Counts refused requests on Ferry's meter (exported on <c>/metrics</c>).</summary>
public sealed class RateLimitMetrics
{
    private readonly Counter<long> _rejected;

    /// <summary>Creates the counter on the factory's <c>Ferry</c> meter.</summary>
    public RateLimitMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _rejected = meters.Create(Serving.FerryTelemetry.SourceName).CreateCounter<long>("rate_limited_requests_total", "{request}",
            "Requests refused with 429 by a rate limit, by kind (signin, serving, api).");
    }

    /// <summary>Counts one refused request.</summary>
    public void Rejected(string kind) => _rejected.Add(1, new TagList { { "kind", kind } });
}
