using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ferry.Core.Serving;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit;

namespace Ferry.Dashboard.Tests;

/// <summary>
/// A data scientist's day in chromium, on the quickstart server: an experiment with 200 runs logged through the MLflow
/// API (log-batch), filtered, three runs compared, one run's metric chart and an artifact opened, and its registered
/// version (a real ONNX model from its artifacts, deployed on an endpoint) followed to the endpoint. Every page is
/// axe-clean and fits a phone.
/// </summary>
[Collection(QuickstartSiteGroup.Name)]
public sealed class ExperimentsBrowserTests(QuickstartSite site)
{
    private const int Runs = 200;
    private const long Start = 1_780_000_000_000;

    [SkippableFact]
    public async Task ScientistsDay_FilterCompareOpenRunAndFollowVersionToEndpoint()
    {
        site.Require();
        var scene = await LogAsync();

        var page = await site.SignedIn.NewPageAsync();
        await page.GotoAsync("/ui/experiments?q=" + Uri.EscapeDataString(scene.Experiment));
        await AccessibilityTests.AssertAccessibleAsync(page, "experiments");
        await page.GetByRole(AriaRole.Link, new() { Name = scene.Experiment, Exact = true }).ClickAsync();
        await page.WaitForURLAsync($"**/ui/experiments/{scene.ExperimentId}");
        Assert.Equal(50, await page.Locator("tr[data-run]").CountAsync());
        await Assertions.Expect(page.Locator("#next-page")).ToBeVisibleAsync();
        await AccessibilityTests.AssertAccessibleAsync(page, "runs");

        // Filter with MLflow's grammar: gbm runs whose auc ended above 0.8505 (even indexes 152 to 198).
        await page.FillAsync("#run-filter", "metrics.auc > 0.8505 and params.model = 'gbm'");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("[?&]filter="));
        Assert.Equal(24, await page.Locator("tr[data-run]").CountAsync());
        Assert.Equal("run-198", await page.Locator("tr[data-run] th a").First.InnerTextAsync());
        await Screenshots.SaveAsync(page, "dashboard-experiment-runs", fullPage: true);

        // Compare the first three.
        for (var i = 0; i < 3; i++)
        {
            await page.Locator("tr[data-run] input[type=checkbox]").Nth(i).CheckAsync();
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Compare selected runs" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/compare\\?runs="));
        Assert.Equal(3, await page.Locator("#overlay .chart-legend-item").CountAsync());
        Assert.Equal(3, await page.Locator("#scatter circle.chart-point").CountAsync());
        await Assertions.Expect(page.Locator("tr[data-param=lr]")).ToHaveClassAsync("differs");
        await AccessibilityTests.AssertAccessibleAsync(page, "compare");
        await Screenshots.SaveAsync(page, "dashboard-compare-runs", fullPage: true);

        // Open run 198: its metric chart (five steps) and the data table beside it.
        await page.GetByRole(AriaRole.Link, new() { Name = "run-198", Exact = true }).First.ClickAsync();
        await page.WaitForURLAsync($"**/ui/runs/{scene.ModelRun}");
        var chart = page.Locator("#metric-0");
        await Assertions.Expect(chart.Locator("svg.chart-svg")).ToBeVisibleAsync();
        Assert.Equal(5, await chart.Locator("circle.chart-point").CountAsync());
        await chart.Locator("details.chart-data summary").ClickAsync();
        await Assertions.Expect(chart.Locator("table.chart-table tbody tr")).ToHaveCountAsync(5);
        await AccessibilityTests.AssertAccessibleAsync(page, "run");
        await Screenshots.SaveAsync(page, "dashboard-run", fullPage: true);

        // An artifact: the notes, escaped.
        await page.GetByRole(AriaRole.Link, new() { Name = "notes.txt", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/artifacts\\?path=notes\\.txt$"));
        Assert.Contains("<script>alert(1)</script>", await page.Locator("#artifact-preview").InnerTextAsync(), StringComparison.Ordinal);
        await AccessibilityTests.AssertAccessibleAsync(page, "artifact");
        await page.GoBackAsync();

        // Its registered version, then the endpoint serving it.
        await page.Locator($"tr[data-version=\"{scene.Model}/1\"] th a").ClickAsync();
        await page.WaitForURLAsync($"**/ui/models/{scene.Model}");
        await page.GetByRole(AriaRole.Link, new() { Name = scene.Endpoint, Exact = true }).ClickAsync();
        await page.WaitForURLAsync($"**/ui/endpoints/{scene.Endpoint}");
        await page.CloseAsync();

        // Phone width: no sideways scrolling on any of the pages.
        await using var phone = await site.NewContextAsync(390, 844);
        await phone.AddCookiesAsync((await site.SignedIn.CookiesAsync()).Select(c => new Cookie { Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path, HttpOnly = c.HttpOnly, SameSite = c.SameSite }));
        var small = await phone.NewPageAsync();
        foreach (var path in new[] { "/ui/experiments", $"/ui/experiments/{scene.ExperimentId}", $"/ui/experiments/{scene.ExperimentId}/compare?runs={scene.ModelRun},{scene.Other}", $"/ui/runs/{scene.ModelRun}" })
        {
            await small.GotoAsync(path);
            var overflow = await small.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            Assert.True(overflow <= 1, $"{path} is {overflow}px wider than a 390px phone screen");
        }
    }

    /// <summary>
    /// Logs the experiment through the MLflow API: run i has model gbm (even) or mlp (odd), lr, and auc 0.5 + i/1000 +
    /// 0.05 per step over steps 0–4; run 198 also logs notes and a real ONNX model, registered and deployed.
    /// </summary>
    private async Task<Scene> LogAsync()
    {
        using var http = new HttpClient { BaseAddress = site.Address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", site.AdminToken);
        var name = $"credit-{Guid.NewGuid():N}"[..20];
        var experimentId = (await PostAsync(http, "experiments/create", new { name })).GetProperty("experiment_id").GetString()!;
        var ids = new List<string>(Runs);
        for (var i = 0; i < Runs; i++)
        {
            var start = Start + (i * 60_000L);
            var run = (await PostAsync(http, "runs/create", new { experiment_id = experimentId, run_name = $"run-{i:000}", start_time = start })).GetProperty("run").GetProperty("info");
            var runId = run.GetProperty("run_id").GetString()!;
            await PostAsync(http, "runs/log-batch", new
            {
                run_id = runId,
                metrics = Enumerable.Range(0, 5).Select(step => new { key = "auc", value = 0.5 + (i / 1000.0) + (step * 0.05), timestamp = start + step, step }).ToArray(),
                @params = new[] { new { key = "model", value = i % 2 == 0 ? "gbm" : "mlp" }, new { key = "lr", value = (0.01 * (1 + (i % 3))).ToString(CultureInfo.InvariantCulture) } },
                tags = new[] { new { key = "team", value = "risk" } },
            });
            await PostAsync(http, "runs/update", new { run_id = runId, status = "FINISHED", end_time = start + 30_000 });
            ids.Add(runId);
        }

        var modelRun = ids[198];
        var root = $"{experimentId}/{modelRun}/artifacts";
        await PutAsync(http, root + "/notes.txt", Encoding.UTF8.GetBytes("trained on loans-2024 <script>alert(1)</script>\n"));
        await PutAsync(http, root + "/model/model.onnx", await File.ReadAllBytesAsync(Path.Combine(RepositoryRoot.Find(), "tests", "testdata", "credit_pipeline.onnx")));
        var model = $"credit-{Guid.NewGuid():N}"[..16];
        await PostAsync(http, "registered-models/create", new { name = model });
        await PostAsync(http, "model-versions/create", new { name = model, source = $"runs:/{modelRun}/model", run_id = modelRun });
        var endpoint = $"exp-{Guid.NewGuid():N}"[..14];
        // The quickstart's installation governs promotions; the endpoint is deployed in the store, as the loop tests do.
        await using (var scope = site.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IEndpointStore>().DeployAsync(endpoint, [new RouteRequest(model, 1, null, RouteRole.Weighted, 100)], true, "test");
        }

        return new Scene(name, experimentId, modelRun, ids[10], model, endpoint);
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, string path, object body)
    {
        using var response = await http.PostAsJsonAsync("/api/2.0/mlflow/" + path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task PutAsync(HttpClient http, string path, byte[] content)
    {
        using var body = new ByteArrayContent(content);
        using var response = await http.PutAsync("/api/2.0/mlflow-artifacts/artifacts/" + path, body);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private sealed record Scene(string Experiment, string ExperimentId, string ModelRun, string Other, string Model, string Endpoint);
}
