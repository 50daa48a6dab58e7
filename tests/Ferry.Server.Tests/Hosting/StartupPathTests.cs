using System.Net;
using Ferry.Core.Identity;
using Ferry.Server.Dashboard;
using Ferry.Server.Hosting;
using Ferry.Server.Tests.Dashboard;
using Ferry.Testing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Ferry.Server.Tests.Hosting;

/// <summary>What start-up leaves for later (docs/benchmarks.md, start-up) still works on its first use.</summary>
public sealed class StartupPathTests
{
    [Fact]
    public async Task DataProtectionKeyRing_OnStart_IsNotLoadedYetSignInFormsWorkOnFirstRequest()
    {
        await using var server = await FerryTestServer.StartAsync(DatabaseKind.Sqlite);
        var dataProtection = typeof(DataProtectionOptions).Assembly;
        Assert.DoesNotContain(server.Services.GetServices<IHostedService>(), hosted => hosted.GetType().Assembly == dataProtection);

        // The server's first dashboard request: the antiforgery keys are made now, and the form they protect is accepted.
        var token = await server.CreateTokenAsync(Role.Viewer);
        using var browser = new DashboardBrowser(server.Address);
        using var response = await browser.SignInAsync(token, "/ui/alerts");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/ui/alerts", response.Headers.Location?.OriginalString);
        Assert.NotNull(browser.Session);
    }

    [Fact]
    public async Task DatabaseWarmUp_OnStart_CompletesAndMigrationStillCreatesTheDatabase()
    {
        await using var server = await FerryTestServer.StartAsync(DatabaseKind.Sqlite);
        var initializer = server.Services.GetServices<IHostedService>().OfType<DatabaseInitializer>().Single();
        await initializer.WarmUp.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(initializer.WarmUp.IsCompletedSuccessfully);

        using var response = await server.CreateClient().GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var experiments = await server.CreateAdminClient().GetAsync("/api/2.0/mlflow/experiments/get-by-name?experiment_name=Default");
        Assert.Equal(HttpStatusCode.OK, experiments.StatusCode);
    }

    [Fact]
    public void RemoveUnusedKeyRingStartup_AfterDataProtection_LeavesOtherHostedServices()
    {
        var services = new ServiceCollection();
        services.AddDataProtection();
        services.AddHostedService<NoOpService>();
        services.RemoveUnusedKeyRingStartup();
        var hosted = Assert.Single(services, d => d.ServiceType == typeof(IHostedService));
        Assert.Equal(typeof(NoOpService), hosted.ImplementationType);
    }

    private sealed class NoOpService : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
