using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit;

namespace Ferry.Dashboard.Tests;

/// <summary>
/// Every page passes axe-core's WCAG 2.1 A/AA rules (labels, contrast, landmarks, names), fits a phone's width without
/// sideways scrolling, and works from the keyboard.
/// </summary>
[Collection(QuickstartSiteGroup.Name)]
public sealed class AccessibilityTests(QuickstartSite site)
{
    /// <summary>One address per page, on quickstart data.</summary>
    public static TheoryData<string> Pages => new()
    {
        "/ui",
        "/ui/models/credit-risk",
        "/ui/models/credit-risk/versions/1/card",
        "/ui/endpoints/credit",
        "/ui/endpoints/credit/drift",
        "/ui/endpoints/credit/performance",
        "/ui/endpoints/credit/predictions",
        "/ui/alerts",
        "/ui/audit",
    };

    [SkippableTheory]
    [MemberData(nameof(Pages))]
    public async Task Page_HasNoWcagAaViolations(string path)
    {
        site.Require();
        var page = await site.SignedIn.NewPageAsync();
        await page.GotoAsync(path);
        await AssertAccessibleAsync(page, path);
        await page.CloseAsync();
    }

    [SkippableFact]
    public async Task ExplanationAndSignInPages_HaveNoWcagAaViolations()
    {
        site.Require();
        var page = await site.SignedIn.NewPageAsync();
        await page.GotoAsync("/ui/endpoints/credit/predictions");
        await page.Locator("tbody tr a").First.ClickAsync();
        await page.WaitForSelectorAsync("#waterfall");
        await AssertAccessibleAsync(page, "explanation");

        await using var anonymous = await site.NewContextAsync(1280, 900);
        var signIn = await anonymous.NewPageAsync();
        await signIn.GotoAsync("/ui/signin");
        await AssertAccessibleAsync(signIn, "sign-in");
    }

    [SkippableTheory]
    [MemberData(nameof(Pages))]
    public async Task Page_FitsPhone_WithoutSidewaysScrolling(string path)
    {
        site.Require();
        await using var phone = await site.NewContextAsync(390, 844);
        await phone.AddCookiesAsync((await site.SignedIn.CookiesAsync()).Select(c => new Cookie { Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path, HttpOnly = c.HttpOnly, SameSite = c.SameSite }));
        var page = await phone.NewPageAsync();
        await page.GotoAsync(path);
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 1, $"{path} is {overflow}px wider than a 390px phone screen");
        if (path == "/ui/endpoints/credit")
        {
            await Screenshots.SaveAsync(page, "dashboard-phone");
        }
    }

    [SkippableFact]
    public async Task SignInAndNavigation_Work_FromKeyboardAlone()
    {
        site.Require();
        await using var context = await site.NewContextAsync(1280, 900);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/ui/endpoints/credit");
        Assert.Contains("/ui/signin", page.Url, StringComparison.Ordinal);

        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("token", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        await page.Keyboard.TypeAsync(site.AdminToken);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/ui/endpoints/credit");

        // The first Tab reaches the skip link, which moves focus past the navigation to the page's content.
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Skip to main content", await page.EvaluateAsync<string>("() => document.activeElement.textContent"));
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("main", await page.EvaluateAsync<string>("() => document.activeElement.id"));

        // Tabbing onwards reaches the Drift tab; Enter follows it.
        for (var i = 0; i < 20 && await page.EvaluateAsync<string>("() => document.activeElement.textContent") != "Drift"; i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/ui/endpoints/credit/drift");
    }

    /// <summary>Fails with every WCAG 2.1 A/AA violation axe-core finds on the page.</summary>
    internal static async Task AssertAccessibleAsync(IPage page, string name)
    {
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        });
        var violations = result.Violations.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Target?.ToString()))}").ToList();
        Assert.True(violations.Count == 0, $"{name}: {string.Join("\n", violations)}");
    }
}
