using System.Net;
using System.Net.Http.Json;
using Ferry.Core.Identity;
using Ferry.Server.Dashboard.Pages;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Server.Tests.Dashboard;

/// <summary>Dashboard forms need an antiforgery token; the browser holds a server-side session, never the API token.</summary>
public abstract class DashboardSessionTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    [SkippableTheory]
    [InlineData(null)]
    [InlineData("same-origin")]
    public async Task SignInWithoutFormToken_IsRefused_WithOrWithoutOrigin(string? origin)
    {
        var token = await fixture.Server.CreateTokenAsync(Role.Viewer);
        var sameOrigin = origin is null ? null : fixture.Server.Address.GetLeftPart(UriPartial.Authority);

        // A cross-site form: the browser has no antiforgery cookie for Ferry's page and the form no token.
        using var stranger = new DashboardBrowser(fixture.Server.Address);
        using var forged = await stranger.PostFormAsync("/ui/signin", [new("token", token)], origin: sameOrigin);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains(SignInPage.ForgedFormMessage, await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(stranger.Session);

        // A browser that has Ferry's antiforgery cookie, posting a form that lacks the token (as another site's would).
        using var visitor = new DashboardBrowser(fixture.Server.Address);
        (await visitor.GetAsync("/ui/signin")).Dispose();
        using var withoutToken = await visitor.PostFormAsync("/ui/signin", [new("token", token)], withFormToken: false, origin: sameOrigin);
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        Assert.Null(visitor.Session);

        using var signedIn = await visitor.SignInAsync(token);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.NotNull(visitor.Session);
    }

    [SkippableFact]
    public async Task SessionCookie_IsARandomId_NotTheApiToken_AndOnlyItsHashIsStored()
    {
        var name = $"session-{Guid.NewGuid():N}";
        var token = await fixture.Server.CreateTokenAsync(Role.Viewer, name);
        using var browser = new DashboardBrowser(fixture.Server.Address);
        (await browser.SignInAsync(token)).Dispose();
        var session = Assert.IsType<string>(browser.Session);
        Assert.NotEqual(token, session);
        Assert.DoesNotContain(token, string.Join(";", browser.Cookies.Values), StringComparison.Ordinal);

        await using var scope = fixture.Server.Services.CreateAsyncScope();
        var sessions = scope.ServiceProvider.GetRequiredService<IDashboardSessionStore>();
        var stored = await sessions.FindAsync(TokenSecret.Hash(session));
        Assert.NotNull(stored);
        Assert.Equal(name, stored.Token.Name);
        Assert.Null(await sessions.FindAsync(session)); // looked up by hash only
        Assert.Contains((await sessions.ListAsync()), s => s.Session.Id == stored.Session.Id);
    }

    [SkippableFact]
    public async Task SignOut_RevokesTheSession_SoACopiedCookieNoLongerWorks()
    {
        var token = await fixture.Server.CreateTokenAsync(Role.Viewer);
        using var browser = new DashboardBrowser(fixture.Server.Address);
        (await browser.SignInAsync(token)).Dispose();
        var copied = browser.Session!;
        using (var page = await browser.GetAsync("/ui"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("__RequestVerificationToken", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var signOut = await browser.PostFormAsync("/ui/signout", []);
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Null(browser.Session);

        using var thief = new DashboardBrowser(fixture.Server.Address);
        thief.Cookies["ferry_session"] = copied;
        using var after = await thief.GetAsync("/ui");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }

    [SkippableFact]
    public async Task SignOutWithoutFormToken_IsRefused_AndTheSessionStays()
    {
        var token = await fixture.Server.CreateTokenAsync(Role.Viewer);
        using var browser = new DashboardBrowser(fixture.Server.Address);
        (await browser.SignInAsync(token)).Dispose();
        (await browser.GetAsync("/ui")).Dispose();

        using var forged = await browser.PostFormAsync("/ui/signout", [], withFormToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains(SignInPage.ForgedFormMessage, await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var page = await browser.GetAsync("/ui");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [SkippableFact]
    public async Task RevokingTheToken_EndsItsSessions()
    {
        using var admin = fixture.Server.CreateAdminClient();
        using var created = await admin.PostAsJsonAsync("/api/v1/tokens", new { name = $"revoked-{Guid.NewGuid():N}", role = "viewer" });
        var body = await created.AssertJsonAsync(HttpStatusCode.Created);
        var (id, token) = (body.GetProperty("token").GetProperty("id").GetGuid(), body.GetProperty("secret").GetString()!);
        using var browser = new DashboardBrowser(fixture.Server.Address);
        (await browser.SignInAsync(token)).Dispose();
        var session = TokenSecret.Hash(browser.Session!);

        (await admin.DeleteAsync($"/api/v1/tokens/{id}")).EnsureSuccessStatusCode();

        await using var scope = fixture.Server.Services.CreateAsyncScope();
        var sessions = scope.ServiceProvider.GetRequiredService<IDashboardSessionStore>();
        Assert.NotNull((await sessions.FindAsync(session))?.Session.RevokedAt);
        Assert.DoesNotContain(await sessions.ListAsync(), s => s.Token.Id == id);
        using var page = await browser.GetAsync("/ui");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
    }

    [SkippableFact]
    public async Task Admin_ListsOpenSessions_AndRevokesOne()
    {
        var name = $"listed-{Guid.NewGuid():N}";
        using var browser = new DashboardBrowser(fixture.Server.Address);
        (await browser.SignInAsync(await fixture.Server.CreateTokenAsync(Role.Viewer, name))).Dispose();
        using var admin = fixture.Server.CreateAdminClient();

        var list = await (await admin.GetAsync("/api/v1/dashboard/sessions")).AssertJsonAsync(HttpStatusCode.OK);
        var listed = list.GetProperty("sessions").EnumerateArray().Single(s => s.GetProperty("tokenName").GetString() == name);
        Assert.Equal("viewer", listed.GetProperty("role").GetString());
        Assert.DoesNotContain(browser.Session!, list.GetRawText(), StringComparison.Ordinal);
        using var viewer = fixture.Server.CreateClient(await fixture.Server.CreateTokenAsync(Role.Viewer));
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync("/api/v1/dashboard/sessions")).StatusCode);

        var id = listed.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/dashboard/sessions/{id}")).StatusCode);
        await (await admin.DeleteAsync($"/api/v1/dashboard/sessions/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        using var page = await browser.GetAsync("/ui");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
    }
}

public sealed class SqliteDashboardSessionTests(SqliteServerFixture fixture) : DashboardSessionTests<SqliteServerFixture>(fixture);

public sealed class PostgresDashboardSessionTests(PostgresServerFixture fixture) : DashboardSessionTests<PostgresServerFixture>(fixture);
