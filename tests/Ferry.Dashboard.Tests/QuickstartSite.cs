using Ferry.Cli;
using Ferry.Cli.Commands;
using Ferry.Server.Endpoints.Health;
using Ferry.Server.Hosting;
using Ferry.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Xunit;

namespace Ferry.Dashboard.Tests;

/// <summary>
/// Runs <c>ferry quickstart --exit</c> into a fresh data directory, starts <c>ferry server</c> on it again (so the
/// dashboard reads what the quickstart stored), and opens Debian's chromium through Playwright with a browser that has
/// signed in through the form. Shared by every test in the collection.
/// </summary>
public sealed class QuickstartSite : IAsyncLifetime
{
    /// <summary>Where Debian installs chromium.</summary>
    public const string Chromium = "/usr/bin/chromium";

    private readonly TempDirectory _data = new("ferry-quickstart");
    private WebApplication? _app;
    private IPlaywright? _playwright;

    /// <summary>Why the browser tests cannot run here, or null.</summary>
    public string? Unavailable { get; private set; }

    /// <summary>The server's address.</summary>
    public Uri Address { get; private set; } = new("http://127.0.0.1");

    /// <summary>The admin token the quickstart created.</summary>
    public string AdminToken { get; private set; } = string.Empty;

    /// <summary>The browser.</summary>
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>A desktop-sized browser context that has signed in.</summary>
    public IBrowserContext SignedIn { get; private set; } = null!;

    /// <summary>The running server's services (tests seed stores through them).</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("The quickstart site did not start.");

    /// <summary>What the quickstart printed, once per run (it runs twice: a re-run starts from scratch).</summary>
    public IReadOnlyList<string> QuickstartOutputs { get; private set; } = [];

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            Unavailable = $"{Chromium} is missing (apt-get install chromium)";
            if (TestDatabase.InCi)
            {
                throw new InvalidOperationException("Browser tests must run in CI, but " + Unavailable);
            }

            return;
        }

        QuickstartOutputs = [await RunQuickstartAsync(_data.Path), await RunQuickstartAsync(_data.Path)];
        AdminToken = (await File.ReadAllTextAsync(FerryServerOptions.AdminTokenFile(_data.Path))).Trim();
        // Every test signs people in from 127.0.0.1: the sign-in limit (10 a minute per address) would refuse the
        // later ones, so the shared site allows more; the limit itself is tested in Ferry.Server.Tests.
        _app = FerryHost.Build(new FerryServerOptions { Port = 0, DataDirectory = _data.Path, PrintAdminToken = false, LogLevel = LogLevel.Warning },
            configure: builder => builder.Configuration["Ferry:RateLimits:SignIn:PermitLimit"] = "1000");
        await _app.StartAsync();
        await _app.Services.GetRequiredService<DatabaseReadiness>().Initialized.WaitAsync(TimeSpan.FromSeconds(60));
        Address = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
        });
        SignedIn = await NewContextAsync(1280, 900);
        var page = await SignedIn.NewPageAsync();
        await page.GotoAsync("/ui/signin");
        await page.FillAsync("#token", AdminToken);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(new Uri(Address, "/ui").ToString());
        await page.CloseAsync();
    }

    /// <summary>A fresh browser context (no cookies) of the given viewport.</summary>
    public Task<IBrowserContext> NewContextAsync(int width, int height) =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Address.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-GB",
            TimezoneId = "UTC",
        });

    /// <summary>Skips locally (fails in CI, at start-up) when chromium is missing.</summary>
    public void Require() => Skip.If(Unavailable is not null, "Browser test skipped locally: " + Unavailable);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _data.Dispose();
    }

    private static async Task<string> RunQuickstartAsync(string dataDirectory)
    {
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        int exitCode;
        try
        {
            exitCode = await CliRunner.RunAsync(new FerryRootCommand(), ["quickstart", "--port", "0", "--exit", "--data-dir", dataDirectory]);
        }
        finally
        {
            Console.SetOut(original);
        }

        var text = output.ToString();
        Assert.True(exitCode == 0, $"ferry quickstart failed with exit code {exitCode}:\n{text}");
        return text;
    }
}

/// <summary>The tests sharing one quickstart site.</summary>
[CollectionDefinition(Name)]
public sealed class QuickstartSiteGroup : ICollectionFixture<QuickstartSite>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "quickstart site";
}
