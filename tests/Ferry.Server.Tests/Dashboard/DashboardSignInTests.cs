using System.Net;
using System.Net.Http.Json;
using Ferry.Core.Identity;
using Ferry.Server.Dashboard.Pages;
using Ferry.Testing;
using Xunit;

namespace Ferry.Server.Tests.Dashboard;

/// <summary>Signing in to the dashboard: the cookie, its scope, refusals, redirects and escaping of stored text.</summary>
public sealed class DashboardSignInTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    [Fact]
    public async Task PageWithoutSession_RedirectsToSignIn_AndBack()
    {
        using var browser = Browser();
        using var response = await browser.GetAsync("/ui/alerts?status=open");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/ui/signin?returnUrl=%2Fui%2Falerts%3Fstatus%3Dopen", response.Headers.Location?.OriginalString);

        using var form = await browser.GetAsync(response.Headers.Location);
        var html = await form.Content.ReadAsStringAsync();
        Assert.Contains("<label for=\"token\">API token</label>", html, StringComparison.Ordinal);
        Assert.Contains("value=\"/ui/alerts?status=open\"", html, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", form.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidToken_SetsHttpOnlyStrictCookie_ScopedToDashboard()
    {
        var token = await fixture.Server.CreateTokenAsync(Role.Viewer);
        using var browser = new DashboardBrowser(fixture.Server.Address);
        using var response = await browser.SignInAsync(token, "/ui/alerts");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/ui/alerts", response.Headers.Location?.OriginalString);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("ferry_session=", StringComparison.Ordinal));
        Assert.Contains("path=/ui", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase); // plain HTTP here; see HttpsTests

        using var page = await browser.GetAsync("/ui/alerts");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<h1>Alerts</h1>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The cookie is the dashboard's only: the API still wants a bearer token (no cross-site requests ride on it).
        using var api = await browser.GetAsync("/api/v1/models");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public async Task UnknownToken_IsRefusedOnForm_AndRevokedOneSignsBrowserOut()
    {
        using var browser = new DashboardBrowser(fixture.Server.Address);
        using var wrong = await browser.SignInAsync("ferry_not_a_real_token");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("That token is unknown, revoked or expired.", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(browser.Session);

        var (id, token) = await CreateRevocableAsync();
        (await browser.SignInAsync(token)).Dispose();
        Assert.NotNull(browser.Session);
        using var admin = fixture.Server.CreateClient(fixture.Server.AdminToken);
        (await admin.DeleteAsync($"/api/v1/tokens/{id}")).EnsureSuccessStatusCode();
        using var after = await browser.GetAsync("/ui");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }

    [Fact]
    public async Task SignInPostedFromAnotherSite_IsRefused()
    {
        var token = await fixture.Server.CreateTokenAsync(Role.Viewer);
        using var browser = new DashboardBrowser(fixture.Server.Address);
        using var response = await browser.PostFormAsync("/ui/signin", [new("token", token)], origin: "https://attacker.example");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(browser.Session);
    }

    [Theory]
    [InlineData("/ui/endpoints/credit", "/ui/endpoints/credit")]
    [InlineData("/ui?x=1", "/ui?x=1")]
    [InlineData("https://attacker.example/ui", "/ui")]
    [InlineData("//attacker.example/ui", "/ui")]
    [InlineData("/uix", "/ui")]
    [InlineData("/ui\\..\\api", "/ui")]
    [InlineData("/api/v1/tokens", "/ui")]
    [InlineData(null, "/ui")]
    public void OnlyDashboardAddresses_AreFollowed_AfterSignIn(string? returnUrl, string expected) =>
        Assert.Equal(expected, SignInPage.LocalOrHome(returnUrl));

    [Fact]
    public async Task TextFromUsers_IsEscaped_OnPages()
    {
        var name = "<script>alert(1)</script>";
        var token = await fixture.Server.CreateTokenAsync(Role.Approver, name);
        using var browser = new DashboardBrowser(fixture.Server.Address);
        (await browser.SignInAsync(token, "/ui/audit")).Dispose();
        using var page = await browser.GetAsync("/ui/audit");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.DoesNotContain(name, html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditLog_NeedsApprover_AsOnTheApi()
    {
        var viewer = await fixture.Server.CreateTokenAsync(Role.Viewer);
        using var browser = new DashboardBrowser(fixture.Server.Address);
        (await browser.SignInAsync(viewer)).Dispose();
        using var page = await browser.GetAsync("/ui/audit");
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("The audit log needs an approver or admin token.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<table>", html, StringComparison.Ordinal);
    }

    private HttpClient Browser() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = fixture.Server.Address };

    private async Task<(string Id, string Token)> CreateRevocableAsync()
    {
        using var admin = fixture.Server.CreateClient(fixture.Server.AdminToken);
        using var response = await admin.PostAsJsonAsync("/api/v1/tokens", new { name = $"dashboard-revoked-{Guid.NewGuid():N}", role = "viewer" });
        response.EnsureSuccessStatusCode();
        var created = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        return (created.GetProperty("token").GetProperty("id").GetString()!, created.GetProperty("secret").GetString()!);
    }
}
