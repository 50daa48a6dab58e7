using System.Net;
using System.Net.Http.Json;
using Ferry.Core.Oversight;
using Ferry.Server.Tests.Dashboard;
using Ferry.Server.Tests.Serving;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static Ferry.Server.Tests.Governance.GovernanceTestKit;
using static Ferry.Server.Tests.Mlflow.Registry.RegistryTestKit;
using static Ferry.Server.Tests.Oversight.NoticeTestKit;

namespace Ferry.Server.Tests.Oversight;

/// <summary>
/// <c>GET /api/v1/models/{name}/versions/{version}/documentation</c> (Annex IV) assembled from a run, a reference, a
/// monitor, a promotion request, oversight settings and the audit trail; sections without data say so; the dashboard
/// links to it and to the decision notice. On SQLite and PostgreSQL.
/// </summary>
public abstract class TechnicalDocumentationTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private FerryTestServer Server => fixture.Server;

    [Fact]
    public async Task Documentation_RunMonitorPromotionAndOversight_FillEverySection()
    {
        var run = await SeedRunAsync(Server);
        var (model, version, endpoint) = await DeployAsync(Server, "gbc_pipeline.onnx", referenceRows: 200, runId: run.Id);
        var admin = Server.CreateAdminClient();
        await SetCardAsync(Server, model, version, new
        {
            owner = "Retail credit risk",
            intendedUse = "<script>alert(1)</script> Scores personal-loan applications",
            limitations = "Synthetic data only.",
            contest = "Write to appeals@bank.example within 30 days.",
            decisionThreshold = 0.2,
            positiveDecision = "refused",
            negativeDecision = "approved",
        });
        var monitor = UniqueName("mon");
        using (var created = await admin.PutAsJsonAsync($"/api/v1/monitors/{monitor}", new
        {
            endpoint,
            spec = new { windowSeconds = 86_400, schedule = "0 0 * * * ?", minRows = 50, performance = new { metric = "roc_auc", min = 0.7 } },
        }))
        {
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }

        var request = await RequestAsync(admin, model, version, new { target = "champion", justification = "AUC 0.72 on the test rows" });
        using (var scope = Server.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<IEndpointOversightStore>().UpdateAsync(endpoint, "endpoint.oversight", o =>
            {
                o.ReviewBandLow = 0.3;
                o.ReviewBandHigh = 0.6;
                o.OverrideRateLimit = 0.25;
                o.SubjectField = "applicant_id";
                o.RetentionDays = 200;
            }, "risk-officer");
        }

        var markdown = await DocumentationAsync(model, version, "md");
        var html = await DocumentationAsync(model, version, "html");

        foreach (var section in new[] { "## 1. General description and intended purpose", "## 2. Data and data lineage", "## 3. Design and development", "## 4. Validation and testing", "## 5. Monitoring plan", "## 6. Human oversight measures", "## 7. Change log" })
        {
            Assert.Contains(section, markdown, StringComparison.Ordinal);
        }

        Assert.Contains("| Owner | Retail credit risk |", markdown, StringComparison.Ordinal);
        Assert.Contains("**How an affected person contests a decision.** Write to appeals@bank.example within 30 days.", markdown, StringComparison.Ordinal);
        Assert.Contains("A score of 0.2 or more is refused; below it, approved.", markdown, StringComparison.Ordinal);
        Assert.Contains($"| Training run | {run.Id} |", markdown, StringComparison.Ordinal);
        Assert.Contains("- loans-2024 (digest d1g3st)", markdown, StringComparison.Ordinal);
        Assert.Contains("| Rows profiled | 200 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| Positive class | 1 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| max\\_depth | 6 |", markdown, StringComparison.Ordinal);
        // Signature types are table cells, so their brackets are escaped: float32 \[n, 1\].
        Assert.Matches(@"\| input \| income \| float\w* \\\[[^|]*\\\] \|", markdown);
        Assert.Matches(@"\| input \| home\\_ownership \| string \\\[[^|]*\\\] \|", markdown);
        Assert.Contains("| auc | 0.91 |", markdown, StringComparison.Ordinal);
        Assert.Contains($"**Request {request.GetProperty("id").GetString()}** to give this version the alias champion", markdown, StringComparison.Ordinal);
        Assert.Contains($"Served by: {endpoint} (weighted).", markdown, StringComparison.Ordinal);
        Assert.Contains($"| {monitor} | {endpoint} | 1 d | 0 0 \\* \\* \\* ? | at least 50 rows;", markdown, StringComparison.Ordinal);
        Assert.Contains("performance: roc\\_auc ≥ 0.7", markdown, StringComparison.Ordinal);
        Assert.Contains($"| {endpoint} | no (an approver can suspend it;", markdown, StringComparison.Ordinal);
        Assert.Contains("| 0.3 to 0.6 on the probability of the positive class | 25.0% | no | applicant\\_id (stored as a keyed hash) | 200 days |", markdown, StringComparison.Ordinal);
        foreach (var action in new[] { "model-version.create", "card.update", "reference.set", "promotion.request", "endpoint.deploy", "endpoint.oversight" })
        {
            Assert.Contains($"| {action} |", markdown, StringComparison.Ordinal);
        }

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; Scores personal-loan applications", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Documentation_NothingRecorded_EverySectionSaysSo()
    {
        var model = UniqueName("model");
        var version = await ServingTestKit.RegisterAsync(Server, model, await File.ReadAllBytesAsync(SharedFile("lr_pipeline.onnx")), "lr_pipeline.onnx");

        var markdown = await DocumentationAsync(model, version, "md");

        Assert.Contains("The model card states no intended use.", markdown, StringComparison.Ordinal);
        Assert.Contains("This version is not linked to a training run, so no training data is recorded.", markdown, StringComparison.Ordinal);
        Assert.Contains("No monitoring reference is computed for this version.", markdown, StringComparison.Ordinal);
        Assert.Contains("The training run logged no parameters.", markdown, StringComparison.Ordinal);
        Assert.Contains("The training run logged no metrics.", markdown, StringComparison.Ordinal);
        Assert.Contains("No fairness analysis", markdown, StringComparison.Ordinal);
        Assert.Contains("No promotion request was made for this version", markdown, StringComparison.Ordinal);
        Assert.Contains("This version is not served by any endpoint.", markdown, StringComparison.Ordinal);
        Assert.Contains("No monitors are configured for the endpoints serving this version.", markdown, StringComparison.Ordinal);
        Assert.Contains("This version is not served by any endpoint, so no oversight settings apply.", markdown, StringComparison.Ordinal);
        Assert.Contains("| model-version.create |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Documentation_UnknownVersionOrFormat_AnswersProblems()
    {
        var model = UniqueName("model");
        var version = await ServingTestKit.RegisterAsync(Server, model, await File.ReadAllBytesAsync(SharedFile("lr_pipeline.onnx")), "lr_pipeline.onnx");
        var admin = Server.CreateAdminClient();

        using var unknown = await admin.GetAsync($"/api/v1/models/{model}/versions/{version + 1}/documentation");
        using var format = await admin.GetAsync($"/api/v1/models/{model}/versions/{version}/documentation?format=docx");

        await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        await format.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Dashboard_DecisionPageLinksToTheNotice_ModelPageToTheDocumentation()
    {
        var (model, version, endpoint) = await DeployAsync(Server, "gbc_pipeline.onnx", referenceRows: 100);
        var id = (await PredictAsync(Server, endpoint, 1))[0].GetProperty("id").GetString()!;
        using var browser = new DashboardBrowser(Server.Address);
        (await browser.SignInAsync(Server.AdminToken)).Dispose();

        var decision = await PageAsync(browser, $"/ui/endpoints/{endpoint}/predictions/{id}");
        var modelPage = await PageAsync(browser, $"/ui/models/{model}");
        var notice = await PageAsync(browser, $"/ui/endpoints/{endpoint}/predictions/{id}/notice");
        var documentation = await PageAsync(browser, $"/ui/models/{model}/versions/{version}/documentation");

        Assert.Contains($"href=\"/ui/endpoints/{endpoint}/predictions/{id}/notice\"", decision, StringComparison.Ordinal);
        Assert.Contains($"href=\"/ui/models/{model}/versions/{version}/documentation\"", modelPage, StringComparison.Ordinal);
        Assert.Contains("Notice of an automated decision", notice, StringComparison.Ordinal);
        Assert.Contains("<ol id=\"factors\">", notice, StringComparison.Ordinal);
        Assert.Contains("7. Change log", documentation, StringComparison.Ordinal);
    }

    private static async Task<string> PageAsync(DashboardBrowser browser, string path)
    {
        using var response = await browser.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        return body;
    }

    private async Task<string> DocumentationAsync(string model, int version, string format)
    {
        using var response = await Server.CreateAdminClient().GetAsync($"/api/v1/models/{model}/versions/{version}/documentation?format={format}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return body;
    }
}

public sealed class SqliteTechnicalDocumentationTests(SqliteServerFixture fixture) : TechnicalDocumentationTests<SqliteServerFixture>(fixture);

public sealed class PostgresTechnicalDocumentationTests(PostgresServerFixture fixture) : TechnicalDocumentationTests<PostgresServerFixture>(fixture);
