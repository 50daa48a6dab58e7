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
        using var browser = Browser();
        using var response = await SignInAsync(browser, token, "/ui/alerts");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/ui/alerts", response.Headers.Location?.OriginalString);
        var cookie = response.Headers.GetValues("Set-Cookie").Single();
        Assert.StartsWith("ferry_session=", cookie, StringComparison.Ordinal);
        Assert.Contains("path=/ui", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        var session = cookie.Split(';')[0];
        using var page = await browser.SendAsync(WithCookie(HttpMethod.Get, "/ui/alerts", session));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<h1>Alerts</h1>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The cookie is the dashboard's only: the API still wants a bearer token (no cross-site requests ride on it).
        using var api = await browser.SendAsync(WithCookie(HttpMethod.Get, "/api/v1/models", session));
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public async Task UnknownToken_IsRefusedOnForm_AndRevokedOneSignsBrowserOut()
    {
        using var browser = Browser();
        using var wrong = await SignInAsync(browser, "ferry_not_a_real_token", null);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("That token is unknown, revoked or expired.", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(wrong.Headers.Contains("Set-Cookie"));

        var (id, token) = await CreateRevocableAsync();
        using var signedIn = await SignInAsync(browser, token, null);
        var session = signedIn.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        using var admin = fixture.Server.CreateClient(fixture.Server.AdminToken);
        (await admin.DeleteAsync($"/api/v1/tokens/{id}")).EnsureSuccessStatusCode();
        using var after = await browser.SendAsync(WithCookie(HttpMethod.Get, "/ui", session));
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }

    [Fact]
    public async Task SignInPostedFromAnotherSite_IsRefused()
    {
        var token = await fixture.Server.CreateTokenAsync(Role.Viewer);
        using var browser = Browser();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ui/signin") { Content = new FormUrlEncodedContent([new("token", token)]) };
        request.Headers.Add("Origin", "https://attacker.example");
        using var response = await browser.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
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
        using var browser = Browser();
        using var signedIn = await SignInAsync(browser, token, "/ui/audit");
        var session = signedIn.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        using var page = await browser.SendAsync(WithCookie(HttpMethod.Get, "/ui/audit", session));
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.DoesNotContain(name, html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditLog_NeedsApprover_AsOnTheApi()
    {
        var viewer = await fixture.Server.CreateTokenAsync(Role.Viewer);
        using var browser = Browser();
        using var signedIn = await SignInAsync(browser, viewer, null);
        var session = signedIn.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        using var page = await browser.SendAsync(WithCookie(HttpMethod.Get, "/ui/audit", session));
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("The audit log needs an approver or admin token.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<table>", html, StringComparison.Ordinal);
    }

    private HttpClient Browser() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = fixture.Server.Address };

    private static Task<HttpResponseMessage> SignInAsync(HttpClient browser, string token, string? returnUrl)
    {
        var fields = new List<KeyValuePair<string, string>> { new("token", token) };
        if (returnUrl is not null)
        {
            fields.Add(new("returnUrl", returnUrl));
        }

        return browser.PostAsync("/ui/signin", new FormUrlEncodedContent(fields));
    }

    private static HttpRequestMessage WithCookie(HttpMethod method, string path, string cookie)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Cookie", cookie);
        return request;
    }

    private async Task<(string Id, string Token)> CreateRevocableAsync()
    {
        using var admin = fixture.Server.CreateClient(fixture.Server.AdminToken);
        using var response = await admin.PostAsJsonAsync("/api/v1/tokens", new { name = "dashboard-revoked", role = "viewer" });
        response.EnsureSuccessStatusCode();
        var created = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        return (created.GetProperty("token").GetProperty("id").GetString()!, created.GetProperty("secret").GetString()!);
    }
}
