using System.Diagnostics.Metrics;
using System.Net;
using Ferry.Server.Dashboard;
using Ferry.Server.RateLimiting;
using Ferry.Server.Tests.Dashboard;
using Ferry.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Server.Tests.Hosting;

/// <summary>
/// Rate limits answer 429 with Retry-After in each route's error shape. Every window here is an hour, so no permit
/// comes back while a test runs: nothing depends on the real clock.
/// </summary>
public sealed class RateLimitTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Fact]
    public async Task SignInAttempts_BeyondTheLimitPerAddress_Answer429WithRetryAfter()
    {
        await using var server = await FerryTestServer.StartAsync(DatabaseKind.Sqlite,
            services: s => s.Configure<RateLimitOptions>(o => o.SignIn = new RateLimitRule { PermitLimit = 3, Window = Hour }));
        using var rejections = new Rejections(server);
        using var browser = new DashboardBrowser(server.Address);
        foreach (var attempt in Enumerable.Range(0, 3))
        {
            using var wrong = await browser.SignInAsync($"fry_guess_{attempt}");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var refused = await browser.SignInAsync(server.AdminToken);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.InRange(refused.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, Hour.TotalSeconds);
        Assert.Contains("Too many sign-in attempts", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(browser.Session);
        Assert.Equal(1, rejections.Of("signin"));
    }

    [Fact]
    public async Task PerToken_BeyondTheLimit_Answers429_InEachProtocolsShape()
    {
        await using var server = await FerryTestServer.StartAsync(DatabaseKind.Sqlite,
            services: s => s.Configure<RateLimitOptions>(o => o.PerToken = new RateLimitRule { PermitLimit = 2, Window = Hour }));
        using var rejections = new Rejections(server);
        using var first = server.CreateClient(await server.CreateTokenAsync(Core.Identity.Role.Viewer));
        (await first.GetAsync("/api/v1/models")).EnsureSuccessStatusCode();
        (await first.GetAsync("/api/v1/models")).EnsureSuccessStatusCode();

        using var problem = await first.GetAsync("/api/v1/models");
        var body = await problem.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("rate limit", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(problem.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        using var mlflow = await first.GetAsync("/api/2.0/mlflow/experiments/search?max_results=1");
        var error = await mlflow.AssertJsonAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("REQUEST_LIMIT_EXCEEDED", error.GetProperty("error_code").GetString());
        Assert.True(mlflow.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        using var oip = await first.GetAsync("/v2/models/anything/ready");
        var oipError = await oip.AssertJsonAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("rate limit", oipError.GetProperty("error").GetString(), StringComparison.Ordinal);

        // Another token has its own allowance.
        using var second = server.CreateClient(await server.CreateTokenAsync(Core.Identity.Role.Viewer));
        (await second.GetAsync("/api/v1/models")).EnsureSuccessStatusCode();
        Assert.Equal(3, rejections.Of("api"));
    }

    [Fact]
    public async Task PerEndpoint_LimitsEachServingEndpoint_Apart()
    {
        await using var server = await FerryTestServer.StartAsync(DatabaseKind.Sqlite,
            services: s => s.Configure<RateLimitOptions>(o => o.PerEndpoint = new RateLimitRule { PermitLimit = 2, Window = Hour }));
        using var client = server.CreateAdminClient();
        // No endpoint is deployed: each call is refused by the route (404), after the limiter let it through.
        Assert.Equal(HttpStatusCode.NotFound, (await PredictAsync(client, "/api/v1/endpoints/a/predict")).StatusCode);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await PredictAsync(client, "/api/v1/endpoints/a/invocations")).StatusCode);
        var refused = await PredictAsync(client, "/v2/models/a/infer");
        var error = await refused.AssertJsonAsync(HttpStatusCode.TooManyRequests);
        Assert.True(error.TryGetProperty("error", out _));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PredictAsync(client, "/api/v1/endpoints/a/predict")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await PredictAsync(client, "/api/v1/endpoints/b/predict")).StatusCode);
        (await client.GetAsync("/api/v1/models")).EnsureSuccessStatusCode(); // not a prediction route
    }

    [Fact]
    public async Task ByDefault_OnlySignInIsLimited()
    {
        await using var server = await FerryTestServer.StartAsync(DatabaseKind.Sqlite);
        using var client = server.CreateAdminClient();
        foreach (var _ in Enumerable.Range(0, 30))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await PredictAsync(client, "/api/v1/endpoints/a/predict")).StatusCode);
        }

        var defaults = new RateLimitOptions();
        Assert.False(defaults.PerToken.Enabled || defaults.PerEndpoint.Enabled);
        Assert.Equal((10, TimeSpan.FromMinutes(1)), (defaults.SignIn.PermitLimit, defaults.SignIn.Window));
    }

    [Fact]
    public async Task ServingRoutes_AreAllInTheRouteTable()
    {
        await using var server = await FerryTestServer.StartAsync(DatabaseKind.Sqlite);
        var patterns = server.Services.GetRequiredService<IEnumerable<EndpointDataSource>>()
            .SelectMany(source => source.Endpoints).OfType<RouteEndpoint>().Select(e => e.RoutePattern.RawText).ToHashSet(StringComparer.Ordinal);
        Assert.All(RateLimitRegistration.ServingRoutes, route => Assert.Contains(route, patterns));
        Assert.Equal(DashboardRateLimits.SignInPolicy, "dashboard-signin");
    }

    private static async Task<HttpResponseMessage> PredictAsync(HttpClient client, string path) =>
        await client.PostAsync(path, new StringContent("""{"records":[{"x":1}]}""", System.Text.Encoding.UTF8, "application/json"));

    /// <summary>This server's <c>rate_limited_requests_total</c> measurements, by kind.</summary>
    private sealed class Rejections : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Dictionary<string, long> _counts = [];

        public Rejections(FerryTestServer server)
        {
            var factory = server.Services.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name == "rate_limited_requests_total")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                var kind = tags.ToArray().Single(t => t.Key == "kind").Value as string ?? "";
                lock (_counts)
                {
                    _counts[kind] = _counts.GetValueOrDefault(kind) + value;
                }
            });
            _listener.Start();
        }

        public long Of(string kind)
        {
            lock (_counts)
            {
                return _counts.GetValueOrDefault(kind);
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
