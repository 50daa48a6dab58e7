using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Ferry.Core.Identity;
using Ferry.Server.Tests.Dashboard;
using Ferry.Server.Tests.Serving;
using Ferry.Testing;
using Xunit;
using static Ferry.Server.Tests.Mlflow.Registry.RegistryTestKit;

namespace Ferry.Server.Tests.Oversight;

/// <summary>
/// The dashboard's review queue (<c>/ui/endpoints/{name}/reviews</c>) on a real server serving the shared credit
/// pipeline: it lists exactly the unreviewed predictions in the band, an approver's form records a review
/// (antiforgery, post-redirect-get), viewers read without forms, and the decision and endpoint pages show the review
/// and the override rate.
/// </summary>
public sealed partial class ReviewQueuePageTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    private FerryTestServer Server => fixture.Server;

    [SkippableFact]
    public async Task Queue_ListsTheBand_ApproverFormRecordsAReview_ViewerOnlyReads()
    {
        var endpoint = await DeployAndPredictAsync(30);
        var admin = Server.CreateAdminClient();
        var page = await (await admin.GetAsync($"/api/v1/endpoints/{endpoint}/predictions?limit=1000")).AssertJsonAsync(HttpStatusCode.OK);
        var scores = page.GetProperty("predictions").EnumerateArray().ToDictionary(
            p => p.GetProperty("id").GetGuid(),
            p => (Label: p.GetProperty("outputs").GetProperty("label").GetString()!, P1: p.GetProperty("outputs").GetProperty("probabilities").GetProperty("1").GetDouble()));
        var sorted = scores.Values.Select(s => s.P1).Order().ToList();
        var (low, high) = (sorted[5], sorted[20]);
        using (var set = await admin.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}/review-settings", new { reviewBandLow = low, reviewBandHigh = high }))
        {
            await set.AssertJsonAsync(HttpStatusCode.OK);
        }

        var inBand = scores.Where(s => s.Value.P1 >= low && s.Value.P1 <= high).Select(s => s.Key).ToHashSet();

        using var approver = new DashboardBrowser(Server.Address);
        (await approver.SignInAsync(await Server.CreateTokenAsync(Role.Approver))).Dispose();
        var html = await TextAsync(await approver.GetAsync($"/ui/endpoints/{endpoint}/reviews"), HttpStatusCode.OK);
        Assert.Equal(inBand.Order(), Rows(html).Order());
        Assert.Equal(inBand.Count, Regex.Count(html, "<form class=\"review\""));

        // Without the form's antiforgery token, or without a reason, nothing is recorded.
        var target = inBand.First();
        var human = scores[target].Label == "1" ? "0" : "1";
        using (var forged = await approver.PostFormAsync($"/ui/endpoints/{endpoint}/reviews/{target}", [new("action", "override"), new("outcome", human), new("reason", "x")], withFormToken: false))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        using (var noReason = await approver.PostFormAsync($"/ui/endpoints/{endpoint}/reviews/{target}", [new("action", "override"), new("outcome", human), new("reason", "")]))
        {
            Assert.Contains("reason", await TextAsync(noReason, HttpStatusCode.BadRequest), StringComparison.Ordinal);
        }

        var none = await (await admin.GetAsync($"/api/v1/endpoints/{endpoint}/predictions/{target}/reviews")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Empty(none.GetProperty("reviews").EnumerateArray());

        // The form: recorded, then redirected back to the queue, which no longer holds it.
        using (var posted = await approver.PostFormAsync($"/ui/endpoints/{endpoint}/reviews/{target}", [new("action", "override"), new("outcome", human), new("reason", "income verified")]))
        {
            Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
            Assert.Equal($"/ui/endpoints/{endpoint}/reviews?reviewed={target}", posted.Headers.Location!.OriginalString);
        }

        var after = await TextAsync(await approver.GetAsync($"/ui/endpoints/{endpoint}/reviews?reviewed={target}"), HttpStatusCode.OK);
        Assert.Equal(inBand.Where(id => id != target).Order(), Rows(after).Order());
        Assert.Contains("id=\"review-recorded\"", after, StringComparison.Ordinal);
        var stored = await (await admin.GetAsync($"/api/v1/endpoints/{endpoint}/predictions/{target}/reviews")).AssertJsonAsync(HttpStatusCode.OK);
        var review = Assert.Single(stored.GetProperty("reviews").EnumerateArray());
        Assert.Equal(human, review.GetProperty("outcome").GetString());
        Assert.Equal("income verified", review.GetProperty("reason").GetString());

        // The override rate (1 of 1 reviewed) on the review page and the endpoint page; the review on the decision page.
        Assert.Matches("<td class=\"num override-rate\">100.0 %</td>", after);
        var overview = await TextAsync(await approver.GetAsync($"/ui/endpoints/{endpoint}"), HttpStatusCode.OK);
        Assert.Matches("<td class=\"num override-rate\">100.0 %</td>", overview);
        var decision = await TextAsync(await approver.GetAsync($"/ui/endpoints/{endpoint}/predictions/{target}"), HttpStatusCode.OK);
        Assert.Contains("data-action=\"override\"", decision, StringComparison.Ordinal);
        Assert.Contains("income verified", decision, StringComparison.Ordinal);

        // A viewer reads the queue without forms, and cannot post one.
        using var viewer = new DashboardBrowser(Server.Address);
        (await viewer.SignInAsync(await Server.CreateTokenAsync(Role.Viewer))).Dispose();
        var read = await TextAsync(await viewer.GetAsync($"/ui/endpoints/{endpoint}/reviews"), HttpStatusCode.OK);
        Assert.Equal(inBand.Count - 1, Rows(read).Count);
        Assert.DoesNotContain("<form class=\"review\"", read, StringComparison.Ordinal);
        var other = inBand.First(id => id != target);
        using (var refused = await viewer.PostFormAsync($"/ui/endpoints/{endpoint}/reviews/{other}", [new("action", "confirm"), new("reason", "x")]))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
    }

    private static List<Guid> Rows(string html) => [.. PredictionRow().Matches(html).Select(m => Guid.Parse(m.Groups[1].Value))];

    private static async Task<string> TextAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"expected {status}, got {response.StatusCode}: {text}");
            return text;
        }
    }

    private async Task<string> DeployAndPredictAsync(int rows)
    {
        var name = UniqueName("model");
        var version = await ServingTestKit.RegisterAsync(Server, name, File.ReadAllBytes(SharedCreditRows.File("gbc_pipeline.onnx")), "gbc_pipeline.onnx");
        var endpoint = UniqueName("ep");
        await ServingTestKit.DeployAsync(Server, endpoint, new { model = name, version, weight = 100 });
        await ServingTestKit.PredictAsync(Server.CreateAdminClient(), endpoint, SharedCreditRows.Complete().Take(rows));
        await Server.WaitForPredictionLogAsync();
        return endpoint;
    }

    [GeneratedRegex("<tr data-prediction=\"([0-9a-f-]{36})\"")]
    private static partial Regex PredictionRow();
}
