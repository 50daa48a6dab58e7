using System.Globalization;
using System.Net;
using System.Text;
using Ferry.Core.Identity;
using Ferry.Server.Tests.Serving;
using Ferry.Testing;
using Xunit;
using static Ferry.Server.Tests.Mlflow.Registry.RegistryTestKit;

namespace Ferry.Server.Tests.Dashboard;

/// <summary>
/// A server for the loop pages: a fixed test clock and the loop's periodic ticks off, so the runs and ramps the tests
/// seed into the stores stay exactly as seeded.
/// </summary>
public abstract class LoopServerFixture : IAsyncLifetime
{
    private FerryTestServer? _server;

    /// <summary>The database.</summary>
    public abstract DatabaseKind Kind { get; }

    /// <summary>The clock (2026-12-06 12:00 UTC).</summary>
    public TestClock Clock { get; } = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));

    /// <summary>The server; skips (locally) or fails (CI) when its database is unavailable.</summary>
    public FerryTestServer Server
    {
        get
        {
            DatabaseRequirement.EnsureAvailable(Kind);
            return _server ?? throw new InvalidOperationException("The test server did not start.");
        }
    }

    public async Task InitializeAsync()
    {
        if (Kind == DatabaseKind.PostgreSql && TestDatabase.PostgresUnavailableReason is not null && !TestDatabase.InCi)
        {
            return;
        }

        _server = await FerryTestServer.StartAsync(Kind, clock: Clock, host: builder => builder.Configuration["Ferry:Loop:Enabled"] = "false");
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

public sealed class SqliteLoopServerFixture : LoopServerFixture
{
    public override DatabaseKind Kind => DatabaseKind.Sqlite;
}

public sealed class PostgresLoopServerFixture : LoopServerFixture
{
    public override DatabaseKind Kind => DatabaseKind.PostgreSql;
}

/// <summary>
/// The loop pages (<c>/ui/endpoints/{name}/loop</c>, <c>/ui/pipelines</c>, a run's page with its logs, an evaluation's
/// page) on a real server whose loop stores are seeded directly: a pipeline with every kind of trigger, firings of each
/// outcome, runs rolled back, failed and rolling out, a dataset, an evaluation with curves, a rolled-back and a ramping
/// rollout with events. ROC areas and calibration errors are checked against scikit-learn 1.2 (see
/// <see cref="LoopScene"/>).
/// </summary>
public abstract class LoopPageTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : LoopServerFixture
{
    private FerryTestServer Server => fixture.Server;

    [SkippableFact]
    public async Task LoopPage_SeededLoop_ShowsTriggersRunsEvaluationAndRamp()
    {
        var scene = await SeedAsync();
        using var browser = new DashboardBrowser(Server.Address);
        (await browser.SignInAsync(await Server.CreateTokenAsync(Role.Viewer))).Dispose();
        var html = await TextAsync(await browser.GetAsync($"/ui/endpoints/{scene.Endpoint}/loop"), HttpStatusCode.OK);

        // Triggers as configured, and every firing with its outcome and the run it started.
        Assert.Contains("<code>0 0 3 ? * MON</code>", html, StringComparison.Ordinal);
        Assert.Contains("<code>drift</code>", html, StringComparison.Ordinal);
        Assert.Contains("500 new labelled rows", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"cooldown\">90 min</span>", html, StringComparison.Ordinal);
        Assert.Contains($"data-outcome=\"started\"><td>{Time(scene.Start.AddMinutes(1))}", html, StringComparison.Ordinal);
        Assert.Contains("data-outcome=\"busy\"", html, StringComparison.Ordinal);
        Assert.Contains("data-outcome=\"cooldown\"", html, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/ui/pipelines/{scene.Pipeline}/runs/3\">#3</a></td></tr>", html, StringComparison.Ordinal);

        // Runs: a badge per phase, the failed run's error, the dataset, the tracking run and the challenger.
        Assert.Contains("<tr data-run=\"1\" data-phase=\"rolled_back\">", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"badge fail phase\" data-phase=\"rolled_back\">rolled back</span>", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"badge fail phase\" data-phase=\"failed\">failed</span>", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"badge warn phase\" data-phase=\"rolling_out\">rolling out</span>", html, StringComparison.Ordinal);
        Assert.Contains("training command exited with code 3", html, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/ui/datasets/{scene.Dataset}/file\" download>{scene.Dataset}</a>", html, StringComparison.Ordinal);
        Assert.Contains("1,000 rows, 80.0 % labelled, sha256 <code title=\"" + LoopScene.Digest + "\">" + LoopScene.Digest[..12] + "</code>", html, StringComparison.Ordinal);
        Assert.Contains($"/api/2.0/mlflow/runs/get?run_id={scene.TrackingRunId}", html, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/ui/models/{scene.Model}/versions/{scene.Challenger}/card\">v{scene.Challenger}</a>", html, StringComparison.Ordinal);

        // A hostile trigger reason lands as text.
        Assert.Contains("retry &lt;img src", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);

        // Challenger against champion: interval, paired test, verdict, ROC areas and calibration errors as scikit-learn
        // computes them, fairness, drift and the shadow.
        Assert.Contains("<td class=\"num interval\">[0.009, 0.041]</td><td>delong</td><td class=\"num p-value\">0.0123</td>", html, StringComparison.Ordinal);
        Assert.Contains("data-verdict=\"better\">better</span>", html, StringComparison.Ordinal);
        Assert.Contains($"champion v{scene.Champion} (AUC 0.750)", html, StringComparison.Ordinal);
        Assert.Contains($"challenger v{scene.Challenger} (AUC 0.801)", html, StringComparison.Ordinal);
        Assert.Contains("Expected calibration error 0.02 ", html, StringComparison.Ordinal);
        Assert.Contains("Expected calibration error 0.005 ", html, StringComparison.Ordinal);
        Assert.Contains("<tr data-metric=\"log_loss\"><th scope=\"row\">log_loss (lower is better)</th><td class=\"num\">0.460</td><td class=\"num\">0.440</td>", html, StringComparison.Ordinal);
        Assert.Contains("<tr data-group=\"female\"><th scope=\"row\">female</th><td class=\"num\">410</td><td class=\"num\">21.0 %</td><td class=\"num\">20.0 %</td>", html, StringComparison.Ordinal);
        Assert.Contains("<dd class=\"js\">0.031</dd>", html, StringComparison.Ordinal);
        Assert.Contains("<dd class=\"agreement\">96.2 %</dd>", html, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/ui/evaluations/{scene.EvaluationId}\">", html, StringComparison.Ordinal);

        // The ramp: rollbacks with their reasons first, the active ramp's step bar, hold and guards, and its events.
        var rollbacks = html.IndexOf("id=\"rollbacks\"", StringComparison.Ordinal);
        Assert.True(rollbacks > 0 && rollbacks < html.IndexOf("id=\"pipelines\"", StringComparison.Ordinal), "the rollbacks come before the pipelines");
        Assert.Contains("<span class=\"reason\">predictionDrift 0.27 above its limit 0.2</span>", html, StringComparison.Ordinal);
        Assert.Contains("<li class=\"done\">10 %</li><li class=\"current\" aria-current=\"step\">50 %", html, StringComparison.Ordinal);
        Assert.Contains("<li class=\"todo\">100 %</li>", html, StringComparison.Ordinal);
        Assert.Contains("<strong class=\"remaining\">20 min to go</strong>", html, StringComparison.Ordinal);
        Assert.Contains("<tr data-guard=\"p99Ms\"><th scope=\"row\">p99Ms</th><td class=\"num\">41.5</td><td class=\"num\">250</td><td><span class=\"badge ok\">within</span>", html, StringComparison.Ordinal);
        Assert.Contains("<tr data-event=\"step\">", html, StringComparison.Ordinal);
        Assert.Contains($"data-rollout=\"{scene.RolledBackId}\" data-status=\"rolled_back\"", html, StringComparison.Ordinal);

        // The governed run's pending request, with a link to its page.
        Assert.Contains($"<a href=\"/ui/promotions/{scene.PromotionRequestId}\">Open the promotion request</a>", html, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/ui/pipelines/{scene.Pipeline}-gov/runs/1\">{scene.Pipeline}-gov #1</a>", html, StringComparison.Ordinal);

        // A viewer reads it all but gets no form that changes anything (only the sign-out form).
        Assert.Equal(1, CountOf(html, "<form "));
        Assert.DoesNotContain("/cancel", html, StringComparison.Ordinal);

        // The endpoint pages link to the loop; the evaluation has a page of its own.
        Assert.Contains($"<a href=\"/ui/endpoints/{scene.Endpoint}/loop\">Loop</a>", await TextAsync(await browser.GetAsync($"/ui/endpoints/{scene.Endpoint}"), HttpStatusCode.OK), StringComparison.Ordinal);
        var evaluation = await TextAsync(await browser.GetAsync($"/ui/evaluations/{scene.EvaluationId}"), HttpStatusCode.OK);
        Assert.Contains($"challenger v{scene.Challenger} (AUC 0.801)", evaluation, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/ui/pipelines/{scene.Pipeline}/runs/3\">{scene.Pipeline} #3</a>", evaluation, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task RunPage_LongHostileLog_ShowsEscapedTailAndDownloadsWholeLog()
    {
        var scene = await SeedAsync();
        using var browser = new DashboardBrowser(Server.Address);
        (await browser.SignInAsync(await Server.CreateTokenAsync(Role.Viewer))).Dispose();
        var html = await TextAsync(await browser.GetAsync($"/ui/pipelines/{scene.Pipeline}/runs/2"), HttpStatusCode.OK);

        Assert.Contains("<dd class=\"run-error\">training command exited with code 3</dd>", html, StringComparison.Ordinal);
        Assert.Contains("exit code <span class=\"exit-code\">3</span>", html, StringComparison.Ordinal);
        // Only the last 64 KiB, from its first whole line, HTML-escaped, with a link to the whole file.
        Assert.DoesNotContain(LoopScene.FirstLine, html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("The last 64 KiB of " + scene.Stdout.Length.ToString("N0", CultureInfo.InvariantCulture) + " bytes", html, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/ui/pipelines/{scene.Pipeline}/runs/2/logs/stdout\" download>", html, StringComparison.Ordinal);
        Assert.Contains("Traceback: ValueError: no labelled rows", html, StringComparison.Ordinal);
        var tail = html[html.IndexOf("id=\"stdout-log\"", StringComparison.Ordinal)..];
        tail = tail[(tail.IndexOf('>', StringComparison.Ordinal) + 1)..tail.IndexOf("</pre>", StringComparison.Ordinal)];
        Assert.True(Encoding.UTF8.GetByteCount(WebUtility.HtmlDecode(tail)) <= 64 * 1024);

        using var whole = await browser.GetAsync($"/ui/pipelines/{scene.Pipeline}/runs/2/logs/stdout");
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("text/plain", whole.Content.Headers.ContentType?.MediaType);
        Assert.Equal(scene.Stdout, await whole.Content.ReadAsByteArrayAsync());
        using var unknownStream = await browser.GetAsync($"/ui/pipelines/{scene.Pipeline}/runs/2/logs/environ");
        Assert.Equal(HttpStatusCode.NotFound, unknownStream.StatusCode);

        // A run without a tracking run says there is no log; the dataset downloads as stored.
        var queued = await TextAsync(await browser.GetAsync($"/ui/pipelines/{scene.Pipeline}/runs/3"), HttpStatusCode.OK);
        Assert.Contains("id=\"stdout-missing\"", queued, StringComparison.Ordinal);
        using var dataset = await browser.GetAsync($"/ui/datasets/{scene.Dataset}/file");
        Assert.Equal(HttpStatusCode.OK, dataset.StatusCode);
        Assert.Equal(LoopScene.DatasetBytes, await dataset.Content.ReadAsByteArrayAsync());

        // The pipelines list shows the last run; unknown runs and pipelines answer 404.
        var list = await TextAsync(await browser.GetAsync("/ui/pipelines"), HttpStatusCode.OK);
        Assert.Contains($"<a href=\"/ui/pipelines/{scene.Pipeline}/runs/3\">#3</a> <span class=\"badge warn phase\" data-phase=\"rolling_out\">", list, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/ui/endpoints/{scene.Endpoint}/loop\">{scene.Endpoint}</a>", list, StringComparison.Ordinal);
        (await browser.GetAsync($"/ui/pipelines/{scene.Pipeline}/runs/99")).AssertStatus(HttpStatusCode.NotFound);
        (await browser.GetAsync($"/ui/pipelines/no-such-pipeline/runs/1")).AssertStatus(HttpStatusCode.NotFound);
    }

    [SkippableFact]
    public async Task LoopPage_EndpointWithoutPipeline_SaysWhatToDo()
    {
        var endpoint = await ServingTestKit.DeployModelAsync(Server, "credit_pipeline.onnx");
        using var browser = new DashboardBrowser(Server.Address);
        (await browser.SignInAsync(await Server.CreateTokenAsync(Role.Viewer))).Dispose();
        var html = await TextAsync(await browser.GetAsync($"/ui/endpoints/{endpoint}/loop"), HttpStatusCode.OK);
        Assert.Contains("No pipeline yet.", html, StringComparison.Ordinal);
        Assert.Contains($"./ferry pipelines create NAME --endpoint {endpoint}", html, StringComparison.Ordinal);
        Assert.Contains("No challenger evaluation yet.", html, StringComparison.Ordinal);
        Assert.Contains("No canary ramp yet.", html, StringComparison.Ordinal);
        (await browser.GetAsync("/ui/endpoints/no-such-endpoint/loop")).AssertStatus(HttpStatusCode.NotFound);
    }

    /// <summary>Two versions of a real model, the first deployed on a new endpoint, and the loop seeded around them.</summary>
    private async Task<LoopScene> SeedAsync()
    {
        var model = UniqueName("model");
        var champion = await ServingTestKit.RegisterTestDataAsync(Server, model, "credit_pipeline.onnx");
        var challenger = await ServingTestKit.RegisterTestDataAsync(Server, model, "credit_pipeline.onnx");
        var endpoint = UniqueName("ep");
        await ServingTestKit.DeployAsync(Server, endpoint, new { model, version = champion, weight = 100 });
        return await LoopScene.SeedAsync(Server.Services, fixture.Clock, endpoint, model, champion, challenger);
    }

    private static string Time(DateTimeOffset at) =>
        string.Create(CultureInfo.InvariantCulture, $"<time datetime=\"{at.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}\">{at.UtcDateTime:yyyy-MM-dd HH:mm} UTC</time>");

    private static int CountOf(string text, string what)
    {
        var count = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static async Task<string> TextAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"{response.StatusCode}: {text}");
            return text;
        }
    }
}

public sealed class SqliteLoopPageTests(SqliteLoopServerFixture fixture) : LoopPageTests<SqliteLoopServerFixture>(fixture);

public sealed class PostgresLoopPageTests(PostgresLoopServerFixture fixture) : LoopPageTests<PostgresLoopServerFixture>(fixture);

internal static class LoopResponseExtensions
{
    public static void AssertStatus(this HttpResponseMessage response, HttpStatusCode status)
    {
        using (response)
        {
            Assert.Equal(status, response.StatusCode);
        }
    }
}
