using System.Net;
using Ferry.Core.Identity;
using Ferry.Server.Dashboard;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Server.Tests.Dashboard;

/// <summary>Sessions are short-lived and sliding, on the server's clock; sliding writes are throttled.</summary>
public sealed class DashboardSessionLifetimeTests
{
    [Fact]
    public async Task IdleSession_Ends_AfterIdleTimeout_WhileUseKeepsItAlive()
    {
        var clock = new TestClock();
        await using var server = await FerryTestServer.StartAsync(DatabaseKind.Sqlite, clock: clock);
        using var browser = new DashboardBrowser(server.Address);
        (await browser.SignInAsync(await server.CreateTokenAsync(Role.Viewer))).Dispose();

        foreach (var _ in Enumerable.Range(0, 3))
        {
            clock.Advance(TimeSpan.FromMinutes(29)); // 87 minutes in all: only use keeps it open
            Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(browser, "/ui"));
        }

        clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(HttpStatusCode.Redirect, await StatusOfAsync(browser, "/ui"));
    }

    [Fact]
    public async Task Session_Ends_AtItsAbsoluteLifetime_HoweverOftenUsed()
    {
        var clock = new TestClock();
        await using var server = await FerryTestServer.StartAsync(DatabaseKind.Sqlite, clock: clock,
            services: services => services.Configure<DashboardOptions>(o => o.AbsoluteLifetime = TimeSpan.FromHours(1)));
        using var browser = new DashboardBrowser(server.Address);
        using var signIn = await browser.SignInAsync(await server.CreateTokenAsync(Role.Viewer));
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("ferry_session=", StringComparison.Ordinal));
        Assert.Contains("max-age=3600", cookie, StringComparison.OrdinalIgnoreCase);

        clock.Advance(TimeSpan.FromMinutes(25));
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(browser, "/ui"));
        clock.Advance(TimeSpan.FromMinutes(25));
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(browser, "/ui"));
        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(HttpStatusCode.Redirect, await StatusOfAsync(browser, "/ui"));
    }

    [Fact]
    public async Task PageViews_WithinTheTouchInterval_DoNotWrite()
    {
        var clock = new TestClock();
        await using var server = await FerryTestServer.StartAsync(DatabaseKind.Sqlite, clock: clock);
        using var browser = new DashboardBrowser(server.Address);
        (await browser.SignInAsync(await server.CreateTokenAsync(Role.Viewer))).Dispose();
        var signedInAt = await LastSeenAsync(server, browser);

        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(browser, "/ui"));
        Assert.Equal(signedInAt, await LastSeenAsync(server, browser));

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(browser, "/ui"));
        Assert.Equal(signedInAt + TimeSpan.FromMinutes(1), await LastSeenAsync(server, browser));
    }

    private static async Task<HttpStatusCode> StatusOfAsync(DashboardBrowser browser, string path)
    {
        using var response = await browser.GetAsync(path);
        return response.StatusCode;
    }

    private static async Task<DateTimeOffset> LastSeenAsync(FerryTestServer server, DashboardBrowser browser)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var found = await scope.ServiceProvider.GetRequiredService<IDashboardSessionStore>().FindAsync(TokenSecret.Hash(browser.Session!));
        return Assert.IsType<DashboardSession>(found?.Session).LastSeenAt;
    }
}
