using System.Net;
using System.Text;
using Ferry.Core.Identity;
using Ferry.Server.Endpoints;
using Ferry.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Server.Tests.Hosting;

/// <summary>
/// Walks the running app's whole route table, so routes added later are covered without touching this
/// test: every route outside the small open list answers 401 without a token, and every mutating
/// route answers 403 to a viewer.
/// </summary>
public sealed class RouteTableAuthorizationTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    /// <summary>The only routes that may answer without a token.</summary>
    private static readonly string[] OpenPrefixes = ["/healthz", "/readyz", "/metrics", "/openapi/", "/docs", "/health", "/version", "/ui/signin", "/ui/signout", "/ui/assets/"];

    /// <summary>Dashboard pages: without a signed-in browser they redirect to the sign-in form instead of answering 401.</summary>
    private const string DashboardPrefix = "/ui";

    private static readonly HashSet<string> MutatingMethods = ["POST", "PUT", "PATCH", "DELETE"];

    [Fact]
    public async Task EveryRouteOutsideTheOpenList_RequiresAToken()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = fixture.Server.Address };
        var routes = Routes();
        Assert.NotEmpty(routes);
        var checkedCount = 0;
        foreach (var (method, path, _) in routes.Where(r => !IsOpen(r.Path)))
        {
            using var request = NewRequest(method, path);
            using var response = await client.SendAsync(request);
            if (path == DashboardPrefix || path.StartsWith(DashboardPrefix + "/", StringComparison.Ordinal))
            {
                Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{method} {path} answered {(int)response.StatusCode} without signing in");
                Assert.StartsWith("/ui/signin?returnUrl=", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
                checkedCount++;
                continue;
            }

            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} answered {(int)response.StatusCode} without a token");
            if (path.Contains("/mlflow", StringComparison.Ordinal))
            {
                // MLflow routes answer in MLflow's own error shape.
                var error = await response.AssertJsonAsync(HttpStatusCode.Unauthorized);
                Assert.Equal("UNAUTHENTICATED", error.GetProperty("error_code").GetString());
            }
            else
            {
                await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
            }

            checkedCount++;
        }

        Assert.True(checkedCount >= 5, $"only {checkedCount} protected routes were found; the walk is not seeing the route table");
    }

    [Fact]
    public async Task EveryMutatingRoute_RefusesAViewer()
    {
        var viewerToken = await fixture.Server.CreateTokenAsync(Role.Viewer);
        var viewer = fixture.Server.CreateClient(viewerToken);

        // Dashboard forms authenticate with a browser session, not a bearer token: a viewer signs in first.
        using var browser = new Ferry.Server.Tests.Dashboard.DashboardBrowser(fixture.Server.Address);
        (await browser.SignInAsync(viewerToken)).Dispose();
        var mutating = Routes().Where(r => MutatingMethods.Contains(r.Method) && !r.ReadOnly).ToList();
        Assert.NotEmpty(mutating);
        foreach (var (method, path, _) in mutating)
        {
            Assert.False(IsOpen(path), $"{method} {path} mutates but is on the open list");
            using var request = NewRequest(method, path);
            using var response = path.StartsWith(DashboardPrefix + "/", StringComparison.Ordinal) ? await browser.SendAsync(request) : await viewer.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path} answered {(int)response.StatusCode} to a viewer");
        }
    }

    [Fact]
    public async Task OpenRoutes_AreOnlyReads()
    {
        // The dashboard's sign-in and sign-out forms post without a token; they only set or clear the browser's cookie.
        var open = Routes().Where(r => IsOpen(r.Path)).ToList();
        Assert.All(open.Where(r => !r.ReadOnly), r => Assert.DoesNotContain(r.Method, MutatingMethods));
        Assert.All(open.Where(r => r.ReadOnly), r => Assert.StartsWith("/ui/sign", r.Path, StringComparison.Ordinal));
        using var response = await fixture.Server.CreateClient().GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Every (method, concrete path) pair, and whether the route declares itself read-only.</summary>
    private List<(string Method, string Path, bool ReadOnly)> Routes()
    {
        var sources = fixture.Server.Services.GetRequiredService<IEnumerable<EndpointDataSource>>();
        var routes = new List<(string, string, bool)>();
        foreach (var endpoint in sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            var path = Concrete(endpoint.RoutePattern);
            var readOnly = endpoint.Metadata.GetMetadata<ReadOnlyOperationAttribute>() is not null;
            routes.AddRange(methods.Select(m => (m, path, readOnly)));
        }

        return routes;
    }

    /// <summary>Fills every route parameter with a value its constraints accept.</summary>
    private static string Concrete(RoutePattern pattern)
    {
        var builder = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            builder.Append('/');
            foreach (var part in segment.Parts)
            {
                switch (part)
                {
                    case RoutePatternLiteralPart literal:
                        builder.Append(literal.Content);
                        break;
                    case RoutePatternSeparatorPart separator:
                        builder.Append(separator.Content);
                        break;
                    case RoutePatternParameterPart parameter:
                        builder.Append(SampleValue(parameter));
                        break;
                }
            }
        }

        return builder.Length == 0 ? "/" : builder.ToString();
    }

    private static string SampleValue(RoutePatternParameterPart parameter)
    {
        if (parameter.Name == "documentName")
        {
            return "v1";
        }

        var constraints = parameter.ParameterPolicies.Select(p => p.Content ?? string.Empty).ToList();
        if (constraints.Contains("guid"))
        {
            return Guid.NewGuid().ToString();
        }

        if (constraints.Any(c => c is "int" or "long"))
        {
            return "1";
        }

        return "sample";
    }

    private static bool IsOpen(string path) =>
        OpenPrefixes.Any(prefix => path.Equals(prefix.TrimEnd('/'), StringComparison.Ordinal) || path.StartsWith(prefix, StringComparison.Ordinal)
            || path.StartsWith(prefix.TrimEnd('/') + "/", StringComparison.Ordinal));

    private static HttpRequestMessage NewRequest(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (MutatingMethods.Contains(method))
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        return request;
    }
}
