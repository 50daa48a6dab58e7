using System.Net;
using System.Net.Http.Json;
using Ferry.Core.Identity;
using Ferry.Testing;
using Xunit;

namespace Ferry.Server.Tests.Dashboard;

/// <summary>
/// The front door: a browser opening <c>/</c> lands on the dashboard while API clients keep problem+json, and the
/// dashboard's home tells a new installation what to do first until something is tracked or served.
/// </summary>
public sealed class FrontDoorTests
{
    private const string BrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

    [Theory]
    [InlineData(BrowserAccept)]
    [InlineData("text/html")]
    [InlineData("application/json;q=0.5, text/html")]
    public async Task Root_BrowserAccept_RedirectsToDashboard(string accept)
    {
        await using var server = await FerryTestServer.StartAsync(DatabaseKind.Sqlite);
        using var client = NoRedirects(server);
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head })
        {
            using var request = new HttpRequestMessage(method, "/");
            Assert.True(request.Headers.TryAddWithoutValidation("Accept", accept));
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/ui", response.Headers.Location?.OriginalString);
        }

        // The dashboard then asks an unsigned browser to sign in, as every page does.
        using var home = await client.GetAsync("/ui");
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.StartsWith("/ui/signin", home.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/json")]
    [InlineData("application/problem+json")]
    [InlineData("*/*")]
    [InlineData("text/html;q=0.5, application/json")]
    public async Task Root_ApiAccept_GetsProblemJson(string? accept)
    {
        await using var server = await FerryTestServer.StartAsync(DatabaseKind.Sqlite);
        using var anonymous = NoRedirects(server);
        using var admin = NoRedirects(server, server.AdminToken);
        foreach (var client in new[] { anonymous, admin })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/");
            if (accept is not null)
            {
                Assert.True(request.Headers.TryAddWithoutValidation("Accept", accept));
            }

            using var response = await client.SendAsync(request);
            await response.AssertProblemAsync(client == admin ? HttpStatusCode.NotFound : HttpStatusCode.Unauthorized);
        }

        // A browser POST to / is not a page visit: it is answered like any unknown route.
        using var post = new HttpRequestMessage(HttpMethod.Post, "/");
        Assert.True(post.Headers.TryAddWithoutValidation("Accept", BrowserAccept));
        using var posted = await admin.SendAsync(post);
        Assert.NotEqual(HttpStatusCode.Redirect, posted.StatusCode);
    }

    [Fact]
    public async Task Home_NewInstallation_ShowsFirstSteps_UntilARunIsLogged()
    {
        await using var server = await FerryTestServer.StartAsync(DatabaseKind.Sqlite);
        var viewer = await server.CreateTokenAsync(Role.Viewer);
        using var browser = new DashboardBrowser(server.Address);
        (await browser.SignInAsync(viewer)).Dispose();

        var fresh = await HomeAsync(browser);
        Assert.Contains("<h2 id=\"start-here\">Start here</h2>", fresh, StringComparison.Ordinal);
        Assert.Contains($"export MLFLOW_TRACKING_URI={server.Address.GetLeftPart(UriPartial.Authority)}", fresh, StringComparison.Ordinal);
        Assert.Contains("./ferry ship model.onnx --name credit --reference train.csv --label default --tier low", fresh, StringComparison.Ordinal);
        Assert.Contains("./ferry quickstart", fresh, StringComparison.Ordinal);

        // A run logged through MLflow's API is something: the guide gives way to the inventory.
        using var admin = server.CreateAdminClient();
        using (var created = await admin.PostAsJsonAsync("/api/2.0/mlflow/runs/create", new { experiment_id = "0", run_name = "first" }))
        {
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        }

        var used = await HomeAsync(browser);
        Assert.DoesNotContain("start-here", used, StringComparison.Ordinal);
        Assert.Contains("<h2>Models</h2>", used, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Home_WithAnEndpoint_HidesFirstSteps()
    {
        await using var server = await FerryTestServer.StartAsync(DatabaseKind.Sqlite);
        using var browser = new DashboardBrowser(server.Address);
        (await browser.SignInAsync(server.AdminToken)).Dispose();
        Assert.Contains("start-here", await HomeAsync(browser), StringComparison.Ordinal);

        var version = await Serving.ServingTestKit.RegisterTestDataAsync(server, "front-door", "credit_pipeline.onnx");
        // Registered but neither served nor tracked: still a new installation.
        Assert.Contains("start-here", await HomeAsync(browser), StringComparison.Ordinal);

        await Serving.ServingTestKit.DeployAsync(server, "front-door", new { model = "front-door", version, weight = 100 });
        var served = await HomeAsync(browser);
        Assert.DoesNotContain("start-here", served, StringComparison.Ordinal);
        Assert.Contains("/ui/endpoints/front-door", served, StringComparison.Ordinal);
    }

    private static async Task<string> HomeAsync(DashboardBrowser browser)
    {
        using var page = await browser.GetAsync("/ui");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        return await page.Content.ReadAsStringAsync();
    }

    private static HttpClient NoRedirects(FerryTestServer server, string? token = null)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = server.Address };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }
}
