using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Ferry.Core.Identity;
using Ferry.Core.Tracking;
using Ferry.Server.Tests.Serving;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static Ferry.Server.Tests.Mlflow.Registry.RegistryTestKit;

namespace Ferry.Server.Tests.Dashboard;

/// <summary>
/// The experiments pages (<c>/ui/experiments</c>, an experiment's runs, a run, its artifacts, compare) over real HTTP
/// on a real server, signed in as a viewer, with runs logged through the tracking store: chosen columns, sorting,
/// MLflow filters (and a bad one's message), page tokens, escaped artifact previews, refused traversal, and the
/// comparison's highlighted differences.
/// </summary>
public abstract partial class ExperimentsPagesTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private const long Start = 1_780_000_000_000;

    private FerryTestServer Server => fixture.Server;

    [SkippableFact]
    public async Task ExperimentsList_SearchByName_ShowsMatchesWithTheirLastRun()
    {
        var (experiment, name, runs) = await SeedAsync(3);
        var (_, other, _) = await SeedAsync(1);
        using var browser = await ViewerAsync();

        var html = await TextAsync(await browser.GetAsync($"/ui/experiments?q={Uri.EscapeDataString(name[4..])}"), HttpStatusCode.OK);
        Assert.Contains($"<a href=\"/ui/experiments/{experiment}\">{name}</a>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(other, html, StringComparison.Ordinal);
        Assert.Contains($"(<a href=\"/ui/runs/{runs[^1]}\">run-002</a>)", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/ui/experiments\" aria-current=\"page\">Experiments</a>", html, StringComparison.Ordinal);

        // A name with a quote is searched for as text, not parsed as part of the filter.
        var quoted = await TextAsync(await browser.GetAsync("/ui/experiments?q=" + Uri.EscapeDataString("it's")), HttpStatusCode.OK);
        Assert.Contains("No experiment&#x27;s name contains &#x27;it&#x27;s&#x27;.", quoted, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task RunsTable_ChosenColumns_ShowParamMetricAndTagValues()
    {
        var (experiment, _, runs) = await SeedAsync(4);
        using var browser = await ViewerAsync();
        var html = await TextAsync(await browser.GetAsync($"/ui/experiments/{experiment}?columns=params.lr,metrics.auc,tags.team"), HttpStatusCode.OK);

        Assert.Equal(["params.lr", "metrics.auc", "tags.team"], [.. HeaderOrders(html).Skip(3).Select(o => o.Replace("`", string.Empty, StringComparison.Ordinal).Replace(" DESC", string.Empty, StringComparison.Ordinal))]);
        Assert.Contains($"<tr data-run=\"{runs[1]}\">", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"text\" data-column=\"params.lr\">0.01</td><td class=\"num\" data-column=\"metrics.auc\">0.701</td><td class=\"text\" data-column=\"tags.team\">risk &lt;b&gt;</td>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("risk <b>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-column=\"params.model\"", html, StringComparison.Ordinal);
        // The column picker offers every key the runs logged, the chosen ones ticked.
        Assert.Contains("<input type=\"checkbox\" name=\"columns\" value=\"params.model\"> params.model", html, StringComparison.Ordinal);
        Assert.Contains("<input type=\"checkbox\" name=\"columns\" value=\"metrics.auc\" checked> metrics.auc", html, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task RunsTable_SortByMetric_OrdersRowsByThatColumn()
    {
        var (experiment, _, runs) = await SeedAsync(6);
        using var browser = await ViewerAsync();

        // By default newest first (MLflow's order); by auc ascending the oldest first (auc grows with the index).
        var byDefault = await TextAsync(await browser.GetAsync($"/ui/experiments/{experiment}?columns=metrics.auc"), HttpStatusCode.OK);
        Assert.Equal([.. runs.AsEnumerable().Reverse()], RunRows(byDefault));
        var ascending = await TextAsync(await browser.GetAsync($"/ui/experiments/{experiment}?columns=metrics.auc&order=" + Uri.EscapeDataString("metrics.`auc` ASC")), HttpStatusCode.OK);
        Assert.Equal(runs, RunRows(ascending));
        Assert.Contains("aria-sort=\"ascending\"", ascending, StringComparison.Ordinal);
        // The heading now links to the other direction, keeping the columns.
        Assert.Contains("metrics.`auc` DESC", HeaderOrders(ascending));

        // By a param, descending: the "mlp" runs (odd indexes) before the "gbm" ones.
        var byModel = await TextAsync(await browser.GetAsync($"/ui/experiments/{experiment}?columns=params.model&order=" + Uri.EscapeDataString("params.`model` DESC")), HttpStatusCode.OK);
        var order = RunRows(byModel);
        Assert.Equal(runs.Where((_, i) => i % 2 == 1).ToHashSet(), order.Take(3).ToHashSet());
    }

    [SkippableFact]
    public async Task RunsTable_MlflowFilter_ShowsOnlyMatchingRuns()
    {
        var (experiment, _, runs) = await SeedAsync(8);
        using var browser = await ViewerAsync();
        var filter = "metrics.auc > 0.7035 and params.model = 'gbm'";
        var html = await TextAsync(await browser.GetAsync($"/ui/experiments/{experiment}?filter={Uri.EscapeDataString(filter)}"), HttpStatusCode.OK);

        // auc = 0.7 + i/1000, gbm on even indexes: runs 4 and 6.
        Assert.Equal([runs[6], runs[4]], RunRows(html));
        Assert.Contains("value=\"metrics.auc &gt; 0.7035 and params.model = &#x27;gbm&#x27;\"", html, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task RunsTable_BadFilter_ShowsTheParsersMessageNot500()
    {
        var (experiment, _, _) = await SeedAsync(2);
        using var browser = await ViewerAsync();
        var html = await TextAsync(await browser.GetAsync($"/ui/experiments/{experiment}?filter={Uri.EscapeDataString("metrics.auc >> 0.8 or <script>")}"), HttpStatusCode.BadRequest);

        Assert.Contains("id=\"filter-error\"", html, StringComparison.Ordinal);
        Assert.Contains("Invalid search expression", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Empty(RunRows(html));

        // A bad order and a forged page token answer the same way.
        var order = await TextAsync(await browser.GetAsync($"/ui/experiments/{experiment}?order={Uri.EscapeDataString("metrics.auc SIDEWAYS")}"), HttpStatusCode.BadRequest);
        Assert.Contains("invalid order_by direction", order, StringComparison.Ordinal);
        var token = await TextAsync(await browser.GetAsync($"/ui/experiments/{experiment}?page=not-a-token"), HttpStatusCode.BadRequest);
        Assert.Contains("Invalid page token", token, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task RunsTable_PageTokens_WalkEveryRunOnce()
    {
        var (experiment, _, runs) = await SeedAsync(120);
        using var browser = await ViewerAsync();
        var seen = new List<string>();
        var path = $"/ui/experiments/{experiment}?columns=metrics.auc&order=" + Uri.EscapeDataString("metrics.`auc` DESC");
        var pages = 0;
        while (path is not null && pages < 10)
        {
            var html = await TextAsync(await browser.GetAsync(path), HttpStatusCode.OK);
            var rows = RunRows(html);
            Assert.True(rows.Count <= 50, $"page {pages} has {rows.Count} rows");
            seen.AddRange(rows);
            pages++;
            path = NextPage().Match(html) is { Success: true } next ? WebUtility.HtmlDecode(next.Groups[1].Value) : null;
            if (path is not null)
            {
                // The next page keeps the order and the columns.
                Assert.Contains("columns=metrics.auc", path, StringComparison.Ordinal);
                Assert.Contains("page=", path, StringComparison.Ordinal);
            }
        }

        Assert.Equal(3, pages);
        Assert.Equal([.. runs.AsEnumerable().Reverse()], seen);
    }

    [SkippableFact]
    public async Task RunPage_ShowsMetricHistoryChartParamsInputsAndArtifacts()
    {
        var (_, _, runs) = await SeedAsync(2);
        var run = runs[1];
        using var browser = await ViewerAsync();
        var html = await TextAsync(await browser.GetAsync($"/ui/runs/{run}"), HttpStatusCode.OK);

        Assert.Contains("<tr data-metric=\"auc\"><th scope=\"row\">auc</th><td class=\"num\">0.701</td><td class=\"num\">2</td>", html, StringComparison.Ordinal);
        // The history as a chart by step with its data table: three points, steps 0 to 2.
        Assert.Contains("<figure class=\"chart chart-steps\" id=\"metric-0\">", html, StringComparison.Ordinal);
        Assert.Contains("<tr><th scope=\"row\">0</th><td>0.501</td></tr><tr><th scope=\"row\">1</th><td>0.601</td></tr><tr><th scope=\"row\">2</th><td>0.701</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<tr data-param=\"lr\"><th scope=\"row\">lr</th><td><code>0.01</code></td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<code class=\"digest\">digest-1</code></td><td>training</td>", html, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/ui/runs/{run}/artifacts?path=notes.txt\">notes.txt</a>", html, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/ui/runs/{run}/artifacts?path=plots\">plots/</a>", html, StringComparison.Ordinal);
        Assert.Contains("No model version was registered from this run.", html, StringComparison.Ordinal);

        (await browser.GetAsync("/ui/runs/" + new string('f', 32))).AssertStatus(HttpStatusCode.NotFound);
    }

    [SkippableFact]
    public async Task ArtifactPreview_HostileTextCsvAndJson_AreEscaped_AndImagesServedWithTheirType()
    {
        var (_, _, runs) = await SeedAsync(1);
        var run = runs[0];
        using var browser = await ViewerAsync();

        var text = await TextAsync(await browser.GetAsync($"/ui/runs/{run}/artifacts?path=notes.txt"), HttpStatusCode.OK);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", text, StringComparison.Ordinal);

        var csv = await TextAsync(await browser.GetAsync($"/ui/runs/{run}/artifacts?path=data/sample.csv"), HttpStatusCode.OK);
        Assert.Contains("<th scope=\"col\">income</th><th scope=\"col\">note</th>", csv, StringComparison.Ordinal);
        Assert.Contains("<tr><td>1200</td><td>&lt;img src=x onerror=alert(1)&gt;, quoted</td></tr>", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", csv, StringComparison.Ordinal);
        Assert.Equal(RunArtifactsRows, Regex.Count(csv, "<tr><td>"));
        Assert.Contains("id=\"preview-cut\"", csv, StringComparison.Ordinal);

        var json = await TextAsync(await browser.GetAsync($"/ui/runs/{run}/artifacts?path=metrics.json"), HttpStatusCode.OK);
        var preview = json[json.IndexOf("id=\"artifact-preview\"", StringComparison.Ordinal)..];
        // Pretty-printed (the stored file has no indentation), every character escaped.
        Assert.True(preview.Contains("  &quot;auc&quot;: 0.7,", StringComparison.Ordinal), preview[..Math.Min(400, preview.Length)]);
        Assert.Contains("&lt;/pre&gt;&lt;script&gt;", json, StringComparison.Ordinal);

        var image = await TextAsync(await browser.GetAsync($"/ui/runs/{run}/artifacts?path=plots/roc.png"), HttpStatusCode.OK);
        Assert.Contains($"<img class=\"artifact-image\" src=\"/ui/runs/{run}/artifacts/file?path=plots%2Froc.png\"", image, StringComparison.Ordinal);
        using var png = await browser.GetAsync($"/ui/runs/{run}/artifacts/file?path=plots%2Froc.png");
        Assert.Equal(HttpStatusCode.OK, png.StatusCode);
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Png, await png.Content.ReadAsByteArrayAsync());

        using var download = await browser.GetAsync($"/ui/runs/{run}/artifacts/file?path=notes.txt");
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Contains("sandbox", string.Join(";", download.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Artifacts_TraversalPaths_AreRefused()
    {
        var (_, _, runs) = await SeedAsync(1);
        var (_, _, others) = await SeedAsync(1);
        var run = runs[0];
        using var browser = await ViewerAsync();

        foreach (var path in new[] { "../../" + others[0] + "/artifacts/notes.txt", "/etc/passwd", "plots/../../x", "..", "a\\..\\b" })
        {
            var html = await TextAsync(await browser.GetAsync($"/ui/runs/{run}/artifacts?path={Uri.EscapeDataString(path)}"), HttpStatusCode.BadRequest);
            Assert.Contains("id=\"path-refused\"", html, StringComparison.Ordinal);
            using var file = await browser.GetAsync($"/ui/runs/{run}/artifacts/file?path={Uri.EscapeDataString(path)}");
            Assert.Equal(HttpStatusCode.BadRequest, file.StatusCode);
        }

        // Another experiment's run is reached only through its own id (and the listing stays inside this run).
        var listing = await TextAsync(await browser.GetAsync($"/ui/runs/{run}/artifacts"), HttpStatusCode.OK);
        Assert.DoesNotContain(others[0], listing, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/ui/runs/{run}/artifacts?path=notes.txt\">notes.txt</a>", listing, StringComparison.Ordinal);
        (await browser.GetAsync($"/ui/runs/{run}/artifacts/file?path=missing.txt")).AssertStatus(HttpStatusCode.NotFound);
    }

    [SkippableFact]
    public async Task ComparePage_ThreeRuns_HighlightsDifferencesAndOverlaysHistories()
    {
        var (experiment, _, runs) = await SeedAsync(4);
        using var browser = await ViewerAsync();
        var picked = new[] { runs[0], runs[1], runs[3] };
        var html = await TextAsync(await browser.GetAsync($"/ui/experiments/{experiment}/compare?runs={string.Join(',', picked)}"), HttpStatusCode.OK);

        // model: gbm, mlp, mlp → differs; seed is the same for all → not marked.
        Assert.Contains("<tr data-param=\"model\" class=\"differs\"><th scope=\"row\">model <span class=\"badge warn\">differs</span></th><td>gbm</td><td>mlp</td><td>mlp</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<tr data-param=\"seed\"><th scope=\"row\">seed</th><td>42</td><td>42</td><td>42</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<tr data-metric=\"auc\" class=\"differs\">", html, StringComparison.Ordinal);
        // One overlay chart with a series per run, and the scatter of auc against the first differing param.
        Assert.Contains("<figure class=\"chart chart-steps\" id=\"overlay\">", html, StringComparison.Ordinal);
        Assert.Equal(3, Regex.Count(html[html.IndexOf("id=\"overlay\"", StringComparison.Ordinal)..html.IndexOf("id=\"scatter\"", StringComparison.Ordinal)], "class=\"chart-legend-item"));
        Assert.Contains("<th scope=\"col\">step</th><th scope=\"col\">run-000</th><th scope=\"col\">run-001</th><th scope=\"col\">run-003</th>", html, StringComparison.Ordinal);
        Assert.Contains("<figure class=\"chart chart-scatter\" id=\"scatter\">", html, StringComparison.Ordinal);
        Assert.Contains("auc (latest) against lr", html, StringComparison.Ordinal);

        // Tick one run only, or eleven: the page says how many to pick.
        var one = await TextAsync(await browser.GetAsync($"/ui/experiments/{experiment}/compare?runs={runs[0]}"), HttpStatusCode.BadRequest);
        Assert.Contains("Pick 2 to 10 runs to compare; 1 were picked.", one, StringComparison.Ordinal);
        // Repeated runs parameters (what the runs table's checkboxes send) work as the comma list does.
        (await browser.GetAsync($"/ui/experiments/{experiment}/compare?runs={runs[0]}&runs={runs[2]}")).AssertStatus(HttpStatusCode.OK);
        // A run of another experiment is not compared here.
        var (_, _, others) = await SeedAsync(1);
        (await browser.GetAsync($"/ui/experiments/{experiment}/compare?runs={runs[0]},{others[0]}")).AssertStatus(HttpStatusCode.NotFound);
    }

    [SkippableFact]
    public async Task RunPage_RegisteredVersion_LinksToModelAndEndpoint_AndModelPageLinksBack()
    {
        var (_, _, runs) = await SeedAsync(1);
        var run = runs[0];
        var root = await RunRootAsync(run);
        await SeedArtifactAsync(Server, root + "/model/model.onnx", await File.ReadAllBytesAsync(ServingTestKit.TestData("credit_pipeline.onnx")));
        var admin = Server.CreateAdminClient();
        var model = await CreateModelAsync(admin);
        await CreateVersionAsync(admin, model, $"runs:/{run}/model", run);
        var endpoint = UniqueName("ep");
        await ServingTestKit.DeployAsync(Server, endpoint, new { model, version = 1, weight = 100 });
        using var browser = await ViewerAsync();

        var html = await TextAsync(await browser.GetAsync($"/ui/runs/{run}"), HttpStatusCode.OK);
        Assert.Contains($"<tr data-version=\"{model}/1\"><th scope=\"row\"><a href=\"/ui/models/{model}\">{model}</a></th>", html, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/ui/models/{model}/versions/1/card\">v1", html, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/ui/endpoints/{endpoint}\" class=\"served-by\">{endpoint}</a>", html, StringComparison.Ordinal);

        var modelPage = await TextAsync(await browser.GetAsync($"/ui/models/{model}"), HttpStatusCode.OK);
        Assert.Contains($"<a href=\"/ui/runs/{run}\" class=\"source-run\">", modelPage, StringComparison.Ordinal);
    }

    private const int RunArtifactsRows = 100;

    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==");

    /// <summary>A fresh experiment with <paramref name="count"/> runs, oldest first: run i has lr 0.1 or 0.01, model gbm (even) or mlp (odd), seed 42, auc 0.5/0.6/0.7 + i/1000 at steps 0–2, tag team, a dataset, and artifacts.</summary>
    private async Task<(long Id, string Name, List<string> Runs)> SeedAsync(int count)
    {
        var name = $"exp-{Guid.NewGuid():N}";
        await using var scope = Server.Services.CreateAsyncScope();
        var tracking = scope.ServiceProvider.GetRequiredService<ITrackingStore>();
        var id = await tracking.CreateExperimentAsync(name, null, [], "test");
        var runs = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var start = Start + (i * 1000L);
            var run = await tracking.CreateRunAsync(new NewRun(id, "scientist", $"run-{i:000}", start, []), "test");
            var auc = i / 1000.0;
            await tracking.LogBatchAsync(run.Id, new RunBatch(
                [new MetricValue("auc", 0.5 + auc, start, 0), new MetricValue("auc", 0.6 + auc, start + 1, 1), new MetricValue("auc", 0.7 + auc, start + 2, 2)],
                [new("lr", i % 2 == 0 ? "0.1" : "0.01"), new("model", i % 2 == 0 ? "gbm" : "mlp"), new("seed", "42")],
                [new("team", "risk <b>")]), "run.log-batch", "test");
            runs.Add(run.Id);
        }

        if (count <= 2)
        {
            foreach (var runId in runs)
            {
                await tracking.LogInputsAsync(runId, [new DatasetInput("loans", $"digest-{runs.IndexOf(runId)}", "local", "{}", null, null, [new("mlflow.data.context", "training")])], "test");
                var root = await RunRootAsync(runId);
                await SeedArtifactAsync(Server, root + "/notes.txt", Encoding.UTF8.GetBytes("trained <script>alert(1)</script>\n"));
                await SeedArtifactAsync(Server, root + "/metrics.json", Encoding.UTF8.GetBytes("{\"auc\":0.7,\"note\":\"</pre><script>\"}"));
                await SeedArtifactAsync(Server, root + "/plots/roc.png", Png);
                var csv = new StringBuilder("income,note\n");
                for (var row = 0; row < 5000; row++)
                {
                    csv.Append(CultureInfo.InvariantCulture, $"{1200 + row},\"<img src=x onerror=alert({row + 1})>, quoted\"\n");
                }

                await SeedArtifactAsync(Server, root + "/data/sample.csv", Encoding.UTF8.GetBytes(csv.ToString()));
            }
        }

        return (id, name, runs);
    }

    private async Task<string> RunRootAsync(string runId)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        var uri = await scope.ServiceProvider.GetRequiredService<ITrackingStore>().FindRunArtifactUriAsync(runId);
        return uri!["mlflow-artifacts:/".Length..];
    }

    private async Task<DashboardBrowser> ViewerAsync()
    {
        var browser = new DashboardBrowser(Server.Address);
        (await browser.SignInAsync(await Server.CreateTokenAsync(Role.Viewer))).Dispose();
        return browser;
    }

    private static List<string> RunRows(string html) => [.. RunRow().Matches(html).Select(m => m.Groups[1].Value)];

    private static List<string> HeaderOrders(string html) => [.. HeaderOrder().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value))];

    private static async Task<string> TextAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"{response.StatusCode}: {text}");
            return text;
        }
    }

    [GeneratedRegex("<tr data-run=\"([0-9a-f]{32})\">")]
    private static partial Regex RunRow();

    [GeneratedRegex("data-order=\"([^\"]+)\"")]
    private static partial Regex HeaderOrder();

    [GeneratedRegex("href=\"([^\"]+)\" rel=\"next\"")]
    private static partial Regex NextPage();
}

public sealed class SqliteExperimentsPagesTests(SqliteServerFixture fixture) : ExperimentsPagesTests<SqliteServerFixture>(fixture);

public sealed class PostgresExperimentsPagesTests(PostgresServerFixture fixture) : ExperimentsPagesTests<PostgresServerFixture>(fixture);
