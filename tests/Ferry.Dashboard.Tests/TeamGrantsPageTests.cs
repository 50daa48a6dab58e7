using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit;

namespace Ferry.Dashboard.Tests;

/// <summary>
/// Per-resource grants on the dashboard, in chromium on the quickstart server: two teams, each with a grouped token
/// and a model it registered (so its group owns it). Team A's session does not see team B's model or the endpoint
/// serving it, and gets the dashboard's 404 on B's model, card, endpoint and promotion pages and on a forged approve
/// post; an admin sees both.
/// </summary>
[Collection(QuickstartSiteGroup.Name)]
public sealed class TeamGrantsPageTests(QuickstartSite site)
{
    [SkippableFact]
    public async Task TeamA_DoesNotSeeTeamB_ModelCardEndpointOrPromotion_AdminSeesBoth()
    {
        site.Require();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var a = await TeamAsync($"a-{suffix}");
        var b = await TeamAsync($"b-{suffix}");
        Guid request;
        using (var teamB = Client(b.Secret))
        using (var requested = await teamB.PostAsJsonAsync($"/api/v1/models/{b.Model}/versions/1/promotions", new { target = "champion", justification = "team B's first champion" }))
        {
            var body = await requested.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(requested.StatusCode == HttpStatusCode.Created, body.ToString());
            request = body.GetProperty("id").GetGuid();
        }

        // An endpoint answering with the quickstart's champion and running team B's pending candidate as a shadow.
        var endpoint = $"ep-b-{suffix}";
        using (var admin = Client(site.AdminToken))
        using (var deployed = await admin.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}", new
        {
            routes = new object[] { new { model = "credit-risk", alias = "champion", weight = 100 }, new { model = b.Model, version = 1, role = "shadow" } },
        }))
        {
            Assert.True(deployed.IsSuccessStatusCode, await deployed.Content.ReadAsStringAsync());
        }

        await using var teamA = await SignedInAsync(a.Secret);
        var page = await teamA.NewPageAsync();
        await page.GotoAsync("/ui/");
        var inventory = await page.Locator("main").InnerTextAsync();
        Assert.Contains(a.Model, inventory, StringComparison.Ordinal);
        Assert.DoesNotContain(b.Model, inventory, StringComparison.Ordinal);
        Assert.DoesNotContain(endpoint, inventory, StringComparison.Ordinal);

        await page.GotoAsync("/ui/approvals");
        Assert.Equal(0, await page.Locator($"tr[data-request='{request}']").CountAsync());

        foreach (var path in new[] { $"/ui/models/{b.Model}", $"/ui/models/{b.Model}/versions/1/card", $"/ui/promotions/{request}", $"/ui/endpoints/{endpoint}", $"/ui/endpoints/{endpoint}/drift" })
        {
            var refused = await page.GotoAsync(path);
            Assert.True(refused!.Status == 404, $"{path} answered {refused.Status}");
            Assert.DoesNotContain("team B", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        }

        var own = await page.GotoAsync($"/ui/models/{a.Model}");
        Assert.Equal(200, own!.Status);

        // A forged approval (and withdrawal) with a valid antiforgery token from team A's own page is refused as unknown.
        var formToken = await page.Locator("input[name=__RequestVerificationToken]").First.GetAttributeAsync("value");
        foreach (var verb in new[] { "approve", "withdraw" })
        {
            var forged = await page.APIRequest.PostAsync($"/ui/promotions/{request}/{verb}", new()
            {
                Form = FormOf(page.APIRequest, ("comment", "not ours"), ("__RequestVerificationToken", formToken!)),
                MaxRedirects = 0,
            });
            Assert.Equal(404, forged.Status);
        }

        using (var admin = Client(site.AdminToken))
        {
            var state = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/promotions/{request}");
            Assert.Equal("pending", state.GetProperty("state").GetString());
        }

        // The admin sees both teams' models, the endpoint and team B's pages.
        await using var admins = await SignedInAsync(site.AdminToken);
        var all = await admins.NewPageAsync();
        await all.GotoAsync("/ui/");
        var everything = await all.Locator("main").InnerTextAsync();
        Assert.Contains(a.Model, everything, StringComparison.Ordinal);
        Assert.Contains(b.Model, everything, StringComparison.Ordinal);
        Assert.Contains(endpoint, everything, StringComparison.Ordinal);
        foreach (var path in new[] { $"/ui/models/{b.Model}", $"/ui/models/{b.Model}/versions/1/card", $"/ui/promotions/{request}", $"/ui/endpoints/{endpoint}" })
        {
            var shown = await all.GotoAsync(path);
            Assert.True(shown!.Status == 200, $"{path} answered {shown.Status} to the admin");
        }
    }

    private sealed record Team(string Group, string Secret, string Model);

    /// <summary>A group, an approver token whose primary group it is, and a model (one version, with a card) that token registered.</summary>
    private async Task<Team> TeamAsync(string label)
    {
        using var admin = Client(site.AdminToken);
        var group = $"team-{label}";
        using (var created = await admin.PostAsJsonAsync("/api/v1/groups", new { name = group }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        string secret;
        using (var token = await admin.PostAsJsonAsync("/api/v1/tokens", new { name = $"lead-{label}", role = "approver", group }))
        {
            var body = await token.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(token.StatusCode == HttpStatusCode.Created, body.ToString());
            secret = body.GetProperty("secret").GetString()!;
        }

        var source = (await MlflowAsync(admin, HttpMethod.Get, "model-versions/get?name=credit-risk&version=1", null))
            .GetProperty("model_version").GetProperty("source").GetString()!;
        using var team = Client(secret);
        var model = $"model-{label}";
        await MlflowAsync(team, HttpMethod.Post, "registered-models/create", new { name = model });
        var version = (await MlflowAsync(team, HttpMethod.Post, "model-versions/create", new { name = model, source }))
            .GetProperty("model_version").GetProperty("version").GetString();
        Assert.Equal("1", version);
        using var card = await team.PutAsJsonAsync($"/api/v1/models/{model}/versions/1/card", new
        {
            owner = label.StartsWith('b') ? "team B" : "team A",
            intendedUse = "Probability of default for personal loans.",
            limitations = "Synthetic training data.",
        });
        Assert.Equal(HttpStatusCode.OK, card.StatusCode);
        return new Team(group, secret, model);
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

    private async Task<IBrowserContext> SignedInAsync(string token)
    {
        var context = await site.NewContextAsync(1280, 900);
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
