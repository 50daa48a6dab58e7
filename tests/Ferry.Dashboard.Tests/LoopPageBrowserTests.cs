using Ferry.Core.Serving;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit;

namespace Ferry.Dashboard.Tests;

/// <summary>
/// The loop page, a run's page and an evaluation's page in chromium, on a fresh endpoint of the quickstart server
/// (serving the quickstart's credit-risk v1, also the seeded challenger: the quickstart registers one version) whose loop is seeded into the stores: axe-clean, phone-width, keyboard.
/// </summary>
[Collection(QuickstartSiteGroup.Name)]
public sealed class LoopPageBrowserTests(QuickstartSite site)
{
    [SkippableFact]
    public async Task LoopPages_SeededLoop_HaveNoWcagAaViolations_FitAPhone_AndWorkFromTheKeyboard()
    {
        site.Require();
        var endpoint = $"loop-{Guid.NewGuid():N}"[..16];
        await using (var scope = site.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IEndpointStore>().DeployAsync(endpoint, [new RouteRequest("credit-risk", 1, null, RouteRole.Weighted, 100)], true, "test");
        }

        var scene = await LoopScene.SeedAsync(site.Services, site.Services.GetRequiredService<TimeProvider>(), endpoint, "credit-risk", 1, 1);
        var page = await site.SignedIn.NewPageAsync();
        await page.GotoAsync($"/ui/endpoints/{endpoint}/loop");
        await Assertions.Expect(page.Locator("ol.steps li[aria-current=step]")).ToHaveTextAsync("50 % (current step)");
        await Assertions.Expect(page.Locator("#rollbacks .reason")).ToHaveTextAsync("predictionDrift 0.27 above its limit 0.2");
        Assert.Equal(1, await page.Locator("figure.chart-roc svg.chart-svg").CountAsync());
        await AccessibilityTests.AssertAccessibleAsync(page, "loop");
        await Screenshots.SaveAsync(page, "dashboard-loop", fullPage: true);

        // From the keyboard: Tab reaches run 2's link in the runs table; Enter opens its page with the log.
        var reached = false;
        for (var i = 0; i < 200 && !reached; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached = await page.EvaluateAsync<string>("() => document.activeElement.textContent") == "#2";
        }

        Assert.True(reached, "Tab never reached run #2's link");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync($"**/ui/pipelines/{scene.Pipeline}/runs/2");
        Assert.Contains("alert('pwned')", await page.Locator("#stdout-log").InnerTextAsync(), StringComparison.Ordinal);
        await AccessibilityTests.AssertAccessibleAsync(page, "pipeline run");

        await page.GotoAsync($"/ui/evaluations/{scene.EvaluationId}");
        await AccessibilityTests.AssertAccessibleAsync(page, "evaluation");
        await page.GotoAsync("/ui/pipelines");
        await AccessibilityTests.AssertAccessibleAsync(page, "pipelines");
        await page.CloseAsync();

        await using var phone = await site.NewContextAsync(390, 844);
        await phone.AddCookiesAsync((await site.SignedIn.CookiesAsync()).Select(c => new Cookie { Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path, HttpOnly = c.HttpOnly, SameSite = c.SameSite }));
        var small = await phone.NewPageAsync();
        foreach (var path in new[] { $"/ui/endpoints/{endpoint}/loop", $"/ui/pipelines/{scene.Pipeline}/runs/2", $"/ui/evaluations/{scene.EvaluationId}", "/ui/pipelines" })
        {
            await small.GotoAsync(path);
            var overflow = await small.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            Assert.True(overflow <= 1, $"{path} is {overflow}px wider than a 390px phone screen");
        }
    }
}
