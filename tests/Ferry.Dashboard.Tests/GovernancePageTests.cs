using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit;

namespace Ferry.Dashboard.Tests;

/// <summary>
/// The governance pages in chromium on the quickstart server (whose models start at tier medium: one approval by
/// someone other than the requester): the approvals inbox, the request page's evidence and forms, the four-eyes rule
/// in the page and on the server, and the model page's policy and promotion history. Each test registers its own model
/// (two versions of the quickstart's credit model, with different model cards) and its own approver tokens.
/// </summary>
[Collection(QuickstartSiteGroup.Name)]
public sealed class GovernancePageTests(QuickstartSite site)
{
    [SkippableFact]
    public async Task PromotionRequest_FourEyes_RequesterCannotApprove_SecondApproverMovesChampion()
    {
        site.Require();
        var flow = await ArrangeAsync();

        // The requester sees the evidence and a withdraw button, but no approve form, and is told why.
        await using var requester = await SignedInAsync(flow.RequesterToken);
        var mine = await requester.NewPageAsync();
        await mine.GotoAsync($"/ui/promotions/{flow.RequestId}");
        Assert.Equal(0, await mine.Locator("form.approve").CountAsync());
        Assert.Equal(0, await mine.Locator("form.reject").CountAsync());
        Assert.Equal(1, await mine.Locator("form.withdraw").CountAsync());
        Assert.Contains("Four eyes", await mine.Locator("#why-no-approve").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("pass", await mine.Locator("tr[data-gate=model-card]").First.GetAttributeAsync("data-verdict"));
        Assert.Equal("true", await mine.Locator("tr[data-field=Limitations]").GetAttributeAsync("data-changed"));
        Assert.Equal("false", await mine.Locator("tr[data-field=Owner]").GetAttributeAsync("data-changed"));
        Assert.Contains("No labelled evaluation data", await mine.Locator("main").InnerTextAsync(), StringComparison.Ordinal);

        // A forged approval by the requester, with a valid antiforgery token from the page, is refused by the server.
        var formToken = await mine.Locator("input[name=__RequestVerificationToken]").First.GetAttributeAsync("value");
        var forged = await mine.APIRequest.PostAsync($"/ui/promotions/{flow.RequestId}/approve", new()
        {
            Form = FormOf(mine.APIRequest, ("comment", "my own approval"), ("__RequestVerificationToken", formToken!)),
            MaxRedirects = 0,
        });
        Assert.Equal(409, forged.Status);
        Assert.Contains("Four eyes", await forged.TextAsync(), StringComparison.Ordinal);

        // Without the antiforgery token the post is refused before anything is decided.
        var tokenless = await mine.APIRequest.PostAsync($"/ui/promotions/{flow.RequestId}/approve", new() { Form = FormOf(mine.APIRequest, ("comment", "x")), MaxRedirects = 0 });
        Assert.Equal(400, tokenless.Status);
        Assert.Equal(flow.V1, await AliasAsync(flow.Model, "champion"));

        // The second approver finds the request in the inbox, opens it, and approves it through the form.
        await using var approver = await SignedInAsync(flow.ApproverToken);
        var page = await approver.NewPageAsync();
        await page.GotoAsync("/ui/approvals");
        var row = page.Locator($"#inbox-list tr[data-request='{flow.RequestId}']");
        var text = await row.InnerTextAsync();
        Assert.Contains(flow.Model, text, StringComparison.Ordinal);
        Assert.Contains(flow.Requester, text, StringComparison.Ordinal);
        Assert.Contains("champion", text, StringComparison.Ordinal);
        Assert.Contains("0 of 1", text, StringComparison.Ordinal);
        await row.Locator("a", new() { HasText = "Open" }).ClickAsync();
        await page.WaitForURLAsync($"**/ui/promotions/{flow.RequestId}");
        Assert.Equal(1, await page.Locator("form.approve").CountAsync());
        await Screenshots.SaveAsync(page, "dashboard-promotion-request");
        await page.FillAsync("#approve-comment", "Checked the evidence and the card's new limitation.");
        await page.ClickAsync("form.approve button[type=submit]");
        await Assertions.Expect(page.Locator("#request-facts")).ToContainTextAsync("approved");
        Assert.Contains("Checked the evidence", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(flow.V2, await AliasAsync(flow.Model, "champion"));

        // The model page shows the new champion, the policy and both requests in its history.
        await page.GotoAsync($"/ui/models/{flow.Model}");
        var v2 = await page.Locator("tbody tr", new() { Has = page.Locator("th", new() { HasText = $"v{flow.V2}" }) }).First.InnerTextAsync();
        Assert.Contains("champion", v2, StringComparison.Ordinal);
        Assert.Contains("medium", await page.Locator("#policy-facts").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(2, await page.Locator("tr[data-state=approved]").CountAsync());
        Assert.Equal(1, await page.Locator($"tr[data-request='{flow.RequestId}']").CountAsync());
    }

    [SkippableFact]
    public async Task ApprovalsInbox_ListsOthersRequestsToApprovers_NotOwnOnes_AndNothingToScientists()
    {
        site.Require();
        var flow = await ArrangeAsync();
        var scientist = await CreateTokenAsync("scientist");

        await using var requester = await SignedInAsync(flow.RequesterToken);
        var own = await requester.NewPageAsync();
        await own.GotoAsync("/ui/approvals");
        Assert.Equal(0, await own.Locator($"#inbox-list tr[data-request='{flow.RequestId}']").CountAsync());
        Assert.Equal(1, await own.Locator($"#mine-list tr[data-request='{flow.RequestId}']").CountAsync());

        // A scientist does not hold the policy's approver role: nothing to decide, and no forms on the request page.
        await using var other = await SignedInAsync(scientist.Secret);
        var page = await other.NewPageAsync();
        await page.GotoAsync("/ui/approvals");
        Assert.Equal(0, await page.Locator($"#inbox-list tr[data-request='{flow.RequestId}']").CountAsync());
        await page.GotoAsync($"/ui/promotions/{flow.RequestId}");
        Assert.Equal(0, await page.Locator("form.decide").CountAsync());
        Assert.Contains("approver role", await page.Locator("#why-no-approve").InnerTextAsync(), StringComparison.Ordinal);

        // Rejecting needs a comment; with one, the approver's rejection closes the request and it leaves the inbox.
        await using var approver = await SignedInAsync(flow.ApproverToken);
        var decide = await approver.NewPageAsync();
        await decide.GotoAsync($"/ui/promotions/{flow.RequestId}");
        await decide.FillAsync("#reject-comment", "The card's new limitation needs a sign-off from legal first.");
        await decide.ClickAsync("form.reject button[type=submit]");
        await Assertions.Expect(decide.Locator("#request-facts")).ToContainTextAsync("rejected");
        await decide.GotoAsync("/ui/approvals");
        Assert.Equal(0, await decide.Locator($"tr[data-request='{flow.RequestId}']").CountAsync());
        Assert.Equal(flow.V1, await AliasAsync(flow.Model, "champion"));
    }

    [SkippableFact]
    public async Task GovernancePages_HaveNoWcagAaViolations_AndFitAPhone()
    {
        site.Require();
        var flow = await ArrangeAsync();
        await using var approver = await SignedInAsync(flow.ApproverToken);
        await using var phone = await SignedInAsync(flow.ApproverToken, 390, 844);
        foreach (var path in new[] { "/ui/approvals", $"/ui/promotions/{flow.RequestId}", $"/ui/models/{flow.Model}" })
        {
            var page = await approver.NewPageAsync();
            await page.GotoAsync(path);
            await AccessibilityTests.AssertAccessibleAsync(page, path);
            var small = await phone.NewPageAsync();
            await small.GotoAsync(path);
            var overflow = await small.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            Assert.True(overflow <= 1, $"{path} is {overflow}px wider than a 390px phone screen");
        }
    }

    private sealed record Flow(string Model, int V1, int V2, string Requester, string RequesterToken, string ApproverToken, Guid RequestId);

    /// <summary>
    /// A model with two versions (the quickstart's credit model file) and cards that differ in their limitations; an
    /// approver token that requested v1 → champion and another that approved it; then the same requester's pending
    /// request for v2.
    /// </summary>
    private async Task<Flow> ArrangeAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var model = $"governed-{suffix}";
        var requester = await CreateTokenAsync("approver", $"alice-{suffix}");
        var approver = await CreateTokenAsync("approver", $"bob-{suffix}");
        using var admin = Client(site.AdminToken);
        var source = (await MlflowAsync(admin, HttpMethod.Get, "model-versions/get?name=credit-risk&version=1", null))
            .GetProperty("model_version").GetProperty("source").GetString()!;
        await MlflowAsync(admin, HttpMethod.Post, "registered-models/create", new { name = model });
        var versions = new List<int>();
        foreach (var limitations in new[] { "Synthetic training data.", "Synthetic training data; not for business loans." })
        {
            var created = await MlflowAsync(admin, HttpMethod.Post, "model-versions/create", new { name = model, source });
            var version = int.Parse(created.GetProperty("model_version").GetProperty("version").GetString()!, CultureInfo.InvariantCulture);
            using var card = await admin.PutAsJsonAsync($"/api/v1/models/{model}/versions/{version}/card", new
            {
                owner = "Retail credit risk team",
                intendedUse = "Probability of default for personal loans.",
                limitations,
            });
            Assert.Equal(HttpStatusCode.OK, card.StatusCode);
            versions.Add(version);
        }

        using var alice = Client(requester.Secret);
        using var bob = Client(approver.Secret);
        var first = await RequestAsync(alice, model, versions[0], "first champion");
        using (var approved = await bob.PostAsJsonAsync($"/api/v1/promotions/{first}/approve", new { comment = "ok" }))
        {
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        }

        var second = await RequestAsync(alice, model, versions[1], "Same model, the card now states where it must not be used.");
        return new Flow(model, versions[0], versions[1], requester.Name, requester.Secret, approver.Secret, second);
    }

    private static async Task<Guid> RequestAsync(HttpClient client, string model, int version, string justification)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/models/{model}/versions/{version}/promotions", new { target = "champion", justification });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        Assert.True(body.GetProperty("gatesPassed").GetBoolean(), body.ToString());
        return body.GetProperty("id").GetGuid();
    }

    private async Task<(string Name, string Secret)> CreateTokenAsync(string role, string? name = null)
    {
        name ??= $"{role}-{Guid.NewGuid().ToString("N")[..8]}";
        using var admin = Client(site.AdminToken);
        using var response = await admin.PostAsJsonAsync("/api/v1/tokens", new { name, role });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        return (name, body.GetProperty("secret").GetString()!);
    }

    private async Task<int?> AliasAsync(string model, string alias)
    {
        using var admin = Client(site.AdminToken);
        using var response = await admin.GetAsync($"/api/2.0/mlflow/registered-models/alias?name={model}&alias={alias}");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return int.Parse(body.GetProperty("model_version").GetProperty("version").GetString()!, CultureInfo.InvariantCulture);
    }

    private static async Task<JsonElement> MlflowAsync(HttpClient client, HttpMethod method, string route, object? body)
    {
        using var request = new HttpRequestMessage(method, $"/api/2.0/mlflow/{route}") { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await client.SendAsync(request);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{route}: {json}");
        return json;
    }

    private HttpClient Client(string token)
    {
        var client = new HttpClient { BaseAddress = site.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A fresh browser context signed in through the form with <paramref name="token"/>.</summary>
    private async Task<IBrowserContext> SignedInAsync(string token, int width = 1280, int height = 900)
    {
        var context = await site.NewContextAsync(width, height);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/ui/signin");
        await page.FillAsync("#token", token);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(new Uri(site.Address, "/ui").ToString());
        await page.CloseAsync();
        return context;
    }

    private static IFormData FormOf(IAPIRequestContext api, params (string Name, string Value)[] fields)
    {
        var form = api.CreateFormData();
        foreach (var (name, value) in fields)
        {
            form.Set(name, value);
        }

        return form;
    }
}
