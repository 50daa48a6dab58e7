using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Core.Identity;
using Ferry.Core.Monitoring;
using Ferry.Core.Pipelines;
using Ferry.Server.Pipelines;
using Ferry.Server.Pipelines.Triggers;
using Ferry.Server.Tests.Serving;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static Ferry.Server.Tests.Mlflow.Registry.RegistryTestKit;
using static Ferry.Server.Tests.Pipelines.Triggers.TriggerTestKit;

namespace Ferry.Server.Tests.Pipelines.Triggers;

/// <summary>
/// The alert trigger fed by a real monitor run over drifted traffic served by a real ONNX model, and the firings API, on
/// a shared server (SQLite and PostgreSQL).
/// </summary>
public abstract class AlertTriggerServerTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private FerryTestServer Server => fixture.Server;

    [SkippableFact]
    public async Task MonitorRun_OpeningDriftAlerts_FiresTheEndpointsDriftPipelineOnce_AndNotItsPerformancePipeline()
    {
        var admin = Server.CreateAdminClient();
        var model = UniqueName("model");
        var version = await ServingTestKit.RegisterTestDataAsync(Server, model, "credit_pipeline.onnx");
        var endpoint = UniqueName("ep");
        await ServingTestKit.DeployAsync(Server, endpoint, new { model, version, weight = 100 });
        var expected = ServingTestKit.ReadExpected("credit_pipeline.expected.json");
        await admin.PutReferenceAsync(model, version, new JsonObject { ["records"] = new JsonArray([.. expected.Records.Select(r => (JsonNode)r.DeepClone())]) });
        var monitor = UniqueName("mon");
        (await admin.PutAsJsonAsync($"/api/v1/monitors/{monitor}", new { endpoint, spec = new { windowSeconds = 3600, minRows = 10 } })).EnsureSuccessStatusCode();
        var drift = await CreatePipelineAsync(Server, endpoint, new PipelineTriggers { Alerts = ["drift"] });
        var performance = await CreatePipelineAsync(Server, endpoint, new PipelineTriggers { Alerts = ["performance", "cbpe"] });

        // The applicants the model now sees are 30 years older and earn four times as much as those it was trained on.
        var shifted = expected.Records.Select(r =>
        {
            var row = (JsonObject)r.DeepClone();
            row["age"] = r["age"]!.GetValue<double>() + 30;
            row["income"] = r["income"]!.GetValue<double>() * 4;
            return row;
        }).ToList();
        for (var i = 0; i < 3; i++)
        {
            await ServingTestKit.PredictAsync(admin, endpoint, shifted);
        }

        await Server.WaitForPredictionLogAsync();
        var triggers = Server.Services.GetRequiredService<AlertTriggers>();
        using (var run = await admin.PostAsync($"/api/v1/monitors/{monitor}/run", null))
        {
            await run.AssertJsonAsync(HttpStatusCode.OK);
        }

        await triggers.WaitUntilHandledAsync(triggers.Queued).WaitAsync(TestClock.Bound);

        var alerts = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/alerts?status=open&monitor={monitor}")).GetProperty("alerts").EnumerateArray()
            .Select(a => (Id: a.GetProperty("id").GetString()!, Check: a.GetProperty("check").GetString()!)).ToList();
        var driftAlerts = alerts.Where(a => a.Check.StartsWith("drift:", StringComparison.Ordinal)).ToList();
        Assert.Contains(driftAlerts, a => a.Check == "drift:age");
        var firings = await FiringsAsync(Server, drift.Name);
        Assert.Equal(driftAlerts.Select(a => a.Id).Order(), firings.Select(f => f.Source!).Order());
        Assert.All(firings, f => Assert.Equal(TriggerKinds.Alert, f.Kind));
        Assert.All(firings, f => Assert.Contains(f.Reason[..f.Reason.IndexOf(": ", StringComparison.Ordinal)], driftAlerts.Select(a => a.Check)));
        // The first alert handled started the run; the others of the same monitor run fell in its cool-down.
        Assert.Single(firings, f => f.Outcome == FiringOutcomes.Started);
        Assert.All(firings.Where(f => f.Outcome != FiringOutcomes.Started), f => Assert.Equal(FiringOutcomes.CoolingDown, f.Outcome));
        var started = Assert.Single(await RunsAsync(Server, drift.Name));
        Assert.Equal((TriggerKinds.Alert, LoopPhases.Queued), (started.TriggerKind, started.Phase));
        Assert.Empty(await FiringsAsync(Server, performance.Name));
    }

    [SkippableFact]
    public async Task FiringsApi_ListsEveryKindNewestFirst_ToAViewer_AndRefusesBadInput()
    {
        var endpoint = UniqueName("ep");
        var pipeline = await CreatePipelineAsync(Server, endpoint, new PipelineTriggers { Alerts = ["drift"], CooldownMinutes = 0 });
        await using (var scope = Server.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<PipelineFiring>().FireAsync(pipeline.Name, TriggerKinds.Manual, "asked for by alice", "alice", "alice");
        }

        var alert = NewAlert(Server, endpoint, "drift:age");
        await RaiseAsync(Server, new AlertChange(alert, "opened"));
        var viewer = Server.CreateClient(await Server.CreateTokenAsync(Role.Viewer));

        var listed = (await (await viewer.GetAsync($"/api/v1/pipelines/{pipeline.Name}/firings")).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("firings");
        Assert.Equal(2, listed.GetArrayLength());
        var newest = listed.EnumerateArray().Single(f => f.GetProperty("kind").GetString() == "alert");
        var oldest = listed.EnumerateArray().Single(f => f.GetProperty("kind").GetString() == "manual");
        Assert.True(string.CompareOrdinal(listed[0].GetProperty("at").GetString(), listed[1].GetProperty("at").GetString()) >= 0, "newest first");
        Assert.Equal(("alert", "busy", alert.Id.ToString(), pipeline.Name), (newest.GetProperty("kind").GetString(), newest.GetProperty("outcome").GetString(), newest.GetProperty("source").GetString(), newest.GetProperty("pipeline").GetString()));
        Assert.False(newest.TryGetProperty("runId", out _));
        Assert.Equal(("manual", "started", "asked for by alice"), (oldest.GetProperty("kind").GetString(), oldest.GetProperty("outcome").GetString(), oldest.GetProperty("reason").GetString()));
        Assert.Equal((await RunsAsync(Server, pipeline.Name)).Single().Id, oldest.GetProperty("runId").GetGuid());
        Assert.EndsWith("Z", oldest.GetProperty("at").GetString(), StringComparison.Ordinal);

        var one = (await (await viewer.GetAsync($"/api/v1/pipelines/{pipeline.Name}/firings?limit=1")).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("firings");
        Assert.Equal(listed[0].GetProperty("id").GetString(), Assert.Single(one.EnumerateArray()).GetProperty("id").GetString());
        var all = (await (await viewer.GetAsync("/api/v1/firings?limit=1000")).AssertJsonAsync(HttpStatusCode.OK)).GetProperty("firings").EnumerateArray()
            .Select(f => f.GetProperty("id").GetString()).ToList();
        Assert.Contains(newest.GetProperty("id").GetString(), all);
        Assert.Contains(oldest.GetProperty("id").GetString(), all);

        using var zero = await viewer.GetAsync($"/api/v1/pipelines/{pipeline.Name}/firings?limit=0");
        Assert.True((await zero.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("limit", out _));
        using var tooMany = await viewer.GetAsync("/api/v1/firings?limit=1001");
        await tooMany.AssertProblemAsync(HttpStatusCode.BadRequest);
        using var unknown = await viewer.GetAsync($"/api/v1/pipelines/{UniqueName("none")}/firings");
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        using var anonymous = await Server.CreateClient().GetAsync("/api/v1/firings");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}

/// <summary>On SQLite.</summary>
public sealed class SqliteAlertTriggerServerTests(SqliteServerFixture fixture) : AlertTriggerServerTests<SqliteServerFixture>(fixture);

/// <summary>On PostgreSQL.</summary>
public sealed class PostgresAlertTriggerServerTests(PostgresServerFixture fixture) : AlertTriggerServerTests<PostgresServerFixture>(fixture);
