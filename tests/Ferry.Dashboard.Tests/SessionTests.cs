using Microsoft.Playwright;
using Xunit;

namespace Ferry.Dashboard.Tests;

/// <summary>A real browser signs in and out through the antiforgery-protected forms; its cookie is a session id.</summary>
[Collection(QuickstartSiteGroup.Name)]
public sealed class SessionTests(QuickstartSite site)
{
    [SkippableFact]
    public async Task SignInAndSignOut_WorkInABrowser_AndSignOutEndsTheSession()
    {
        site.Require();
        await using var context = await site.NewContextAsync(1280, 900);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/ui/signin");
        Assert.Equal(1, await page.Locator("form.signin input[name=__RequestVerificationToken]").CountAsync());
        await page.FillAsync("#token", site.AdminToken);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(new Uri(site.Address, "/ui").ToString());

        var session = (await context.CookiesAsync()).Single(c => c.Name == "ferry_session");
        Assert.NotEqual(site.AdminToken, session.Value);
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, session.SameSite);
        Assert.Equal("/ui", session.Path);

        await page.ClickAsync("header .who button[type=submit]");
        await page.WaitForURLAsync("**/ui/signin");
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == "ferry_session");

        // The old cookie, put back, no longer signs in: sign-out ended the session on the server.
        await context.AddCookiesAsync([new Cookie { Name = session.Name, Value = session.Value, Domain = session.Domain, Path = session.Path, HttpOnly = true, SameSite = SameSiteAttribute.Strict }]);
        await page.GotoAsync("/ui");
        Assert.Contains("/ui/signin", page.Url, StringComparison.Ordinal);
    }
}
