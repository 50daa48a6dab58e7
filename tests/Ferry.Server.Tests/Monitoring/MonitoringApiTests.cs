using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Ferry.Core.Identity;
using Ferry.Core.Monitoring;
using Ferry.Server.Tests.Serving;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static Ferry.Server.Tests.Mlflow.Registry.RegistryTestKit;

namespace Ferry.Server.Tests.Monitoring;

/// <summary>Reference profiles, monitors, reports, alerts and webhooks over HTTP, on SQLite and PostgreSQL.</summary>
public abstract class MonitoringApiTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private FerryTestServer Server => fixture.Server;

    [SkippableFact]
    public async Task Reference_ProfilesEveryFeatureAndTheOutputs_AndCalibratesWithLabels()
    {
        var (model, version, _) = await DeployPipelineAsync();
        var expected = ServingTestKit.ReadExpected("credit_pipeline.expected.json");
        var admin = Server.CreateAdminClient();

        var view = await admin.PutReferenceAsync(model, version, ReferenceBody(expected, withLabels: true));

        Assert.Equal(expected.Records.Count, view.GetProperty("rows").GetInt32());
        Assert.True(view.GetProperty("calibrated").GetBoolean());
        var columns = view.GetProperty("columns").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        foreach (var feature in expected.Features.Select(f => f.Key))
        {
            Assert.True(columns.ContainsKey(feature), feature);
        }

        Assert.Equal("numeric", columns["prediction.score"].GetProperty("kind").GetString());
        Assert.Equal("categorical", columns["purpose"].GetProperty("kind").GetString());
        var age = expected.Records.Select(r => r["age"]!.GetValue<double>()).ToArray();
        Assert.Equal(age.Min(), columns["age"].GetProperty("min").GetDouble());
        Assert.Equal(age.Average(), columns["age"].GetProperty("mean").GetDouble(), 9);

        var viewer = Server.CreateClient(await Server.CreateTokenAsync(Role.Viewer));
        var read = await (await viewer.GetAsync($"/api/v1/models/{model}/versions/{version}/reference")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(view.GetProperty("rows").GetInt32(), read.GetProperty("rows").GetInt32());
        using var forbidden = await viewer.PutAsJsonAsync($"/api/v1/models/{model}/versions/{version}/reference", ReferenceBody(expected, withLabels: false));
        await forbidden.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [SkippableFact]
    public async Task Reference_BadInput_IsAProblemNamingTheField()
    {
        var (model, version, _) = await DeployPipelineAsync();
        var expected = ServingTestKit.ReadExpected("credit_pipeline.expected.json");
        var admin = Server.CreateAdminClient();
        var body = ReferenceBody(expected, withLabels: true);
        body["labels"]!.AsArray().RemoveAt(0);

        using var wrongLength = await admin.PutAsJsonAsync($"/api/v1/models/{model}/versions/{version}/reference", body);
        var problem = await wrongLength.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("labels", out _));

        var broken = ReferenceBody(expected, withLabels: false);
        broken["records"]![0]!["age"] = "forty";
        using var badRecord = await admin.PutAsJsonAsync($"/api/v1/models/{model}/versions/{version}/reference", broken);
        Assert.True((await badRecord.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("records[0].age", out _));

        using var noVersion = await admin.PutAsJsonAsync($"/api/v1/models/{model}/versions/99/reference", ReferenceBody(expected, withLabels: false));
        await noVersion.AssertProblemAsync(HttpStatusCode.NotFound);
        using var noReference = await admin.GetAsync($"/api/v1/models/{model}/versions/{version}/reference");
        await noReference.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [SkippableFact]
    public async Task Monitor_RunsOnServedTraffic_AndStoresAReportWithChecksAndCharts()
    {
        var (model, version, endpoint) = await DeployPipelineAsync();
        var expected = ServingTestKit.ReadExpected("credit_pipeline.expected.json");
        var admin = Server.CreateAdminClient();
        await admin.PutReferenceAsync(model, version, ReferenceBody(expected, withLabels: true));
        var monitor = UniqueName("mon");
        using var created = await admin.PutAsJsonAsync($"/api/v1/monitors/{monitor}", new { endpoint, spec = new { windowSeconds = 3600, minRows = 10 } });
        var view = await created.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(endpoint, view.GetProperty("endpoint").GetString());

        for (var i = 0; i < 3; i++)
        {
            await ServingTestKit.PredictAsync(admin, endpoint, expected.Records);
        }

        // One request with a wrong type: refused with 400 and counted as a refused value of 'age'.
        var bad = (JsonObject)expected.Records[0].DeepClone();
        bad["age"] = "forty";
        await ServingTestKit.PredictAsync(admin, endpoint, [bad], HttpStatusCode.BadRequest);

        using var run = await admin.PostAsync($"/api/v1/monitors/{monitor}/run", null);
        var report = await run.AssertJsonAsync(HttpStatusCode.OK);

        var body = report.GetProperty("report");
        Assert.Equal(3 * expected.Records.Count, body.GetProperty("rows").GetInt32());
        Assert.Equal(version, body.GetProperty("modelVersion").GetInt32());
        var checks = body.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("key").GetString()!);
        Assert.True(checks.ContainsKey("drift:age"), body.GetRawText());
        Assert.True(checks["drift:age"].GetProperty("passed").GetBoolean()); // the reference rows themselves, three times
        var refused = checks["quality:invalid:age"];
        Assert.Equal(1.0 / ((3 * expected.Records.Count) + 1), refused.GetProperty("value").GetDouble(), 12);
        Assert.Contains(body.GetProperty("histograms").EnumerateArray(), h => h.GetProperty("column").GetString() == "purpose");

        var reports = await (await admin.GetAsync($"/api/v1/monitors/{monitor}/reports")).AssertJsonAsync(HttpStatusCode.OK);
        var first = reports.GetProperty("reports")[0];
        Assert.Equal(report.GetProperty("id").GetString(), first.GetProperty("id").GetString());
        Assert.False(first.TryGetProperty("report", out _));
        var one = await (await admin.GetAsync($"/api/v1/monitors/{monitor}/reports/{first.GetProperty("id").GetString()}")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(body.GetProperty("rows").GetInt32(), one.GetProperty("report").GetProperty("rows").GetInt32());
        var audit = await (await admin.GetAsync($"/api/v1/audit?action=monitor.run&target={monitor}")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.NotEqual(0, audit.GetProperty("events").GetArrayLength());
    }

    [SkippableFact]
    public async Task Monitor_OnLoggedTrafficUnderTheRowLimit_IsExact_FromTheReferencesKeptColumns()
    {
        var (model, version, endpoint) = await DeployPipelineAsync();
        var expected = ServingTestKit.ReadExpected("credit_pipeline.expected.json");
        var admin = Server.CreateAdminClient();
        await admin.PutReferenceAsync(model, version, ReferenceBody(expected, withLabels: false));
        await using (var scope = Server.Services.CreateAsyncScope())
        {
            var kept = await scope.ServiceProvider.GetRequiredService<IReferenceColumnStore>().LoadAsync(model, version);
            Assert.NotNull(kept);
            Assert.All(expected.Features.Select(f => f.Key).Append(ProfileColumns.Score), name => Assert.Equal(expected.Records.Count, kept[name].Rows));
        }

        var monitor = UniqueName("mon");
        (await admin.PutAsJsonAsync($"/api/v1/monitors/{monitor}", new { endpoint, spec = new { windowSeconds = 3600, minRows = 10 } })).EnsureSuccessStatusCode();
        await ServingTestKit.PredictAsync(admin, endpoint, expected.Records);
        await Server.WaitForPredictionLogAsync();

        using var run = await admin.PostAsync($"/api/v1/monitors/{monitor}/run", null);
        var drift = (await run.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("report").GetProperty("drift");

        Assert.Equal("exact", drift.GetProperty("statistics").GetString());
        Assert.Equal(expected.Records.Count, drift.GetProperty("exactRows").GetInt32());
        var columns = drift.GetProperty("features").GetProperty("columns").EnumerateArray().Append(drift.GetProperty("prediction")).ToList();
        Assert.Equal(expected.Features.Count + 1, columns.Count);
        foreach (var column in columns)
        {
            // The window served exactly the reference rows: every exact statistic says "no difference".
            Assert.True(column.GetProperty("exact").GetBoolean(), column.GetRawText());
            Assert.False(column.GetProperty("drifted").GetBoolean(), column.GetRawText());
            if (column.GetProperty("method").GetString() is "KolmogorovSmirnov" or "Wasserstein" or "JensenShannon" or "Psi")
            {
                Assert.Equal(0, column.GetProperty("score").GetDouble(), 12);
            }
        }
    }

    [SkippableFact]
    public async Task Monitor_InvalidSpecs_AreProblemsNamingEachField_AndViewersCannotWrite()
    {
        var (_, _, endpoint) = await DeployPipelineAsync();
        var admin = Server.CreateAdminClient();
        using var bad = await admin.PutAsJsonAsync($"/api/v1/monitors/{UniqueName("mon")}", new
        {
            endpoint,
            spec = new { windowSeconds = 0, schedule = "every hour", drift = new { method = "magic" }, performance = new { metric = "vibes" } },
        });
        var errors = (await bad.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        foreach (var field in new[] { "spec.windowSeconds", "spec.schedule", "spec.drift.method", "spec.performance.metric" })
        {
            Assert.True(errors.TryGetProperty(field, out _), field);
        }

        using var noEndpoint = await admin.PutAsJsonAsync($"/api/v1/monitors/{UniqueName("mon")}", new { endpoint = "nowhere" });
        Assert.True((await noEndpoint.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("endpoint", out _));
        using var malformed = await admin.PutAsync($"/api/v1/monitors/{UniqueName("mon")}", new StringContent("{\"endpoint\": ", System.Text.Encoding.UTF8, "application/json"));
        await malformed.AssertProblemAsync(HttpStatusCode.BadRequest);
        using var unknown = await admin.PostAsync($"/api/v1/monitors/{UniqueName("none")}/run", null);
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound);

        var viewer = Server.CreateClient(await Server.CreateTokenAsync(Role.Viewer));
        using var forbidden = await viewer.PutAsJsonAsync($"/api/v1/monitors/{UniqueName("mon")}", new { endpoint });
        await forbidden.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [SkippableFact]
    public async Task Monitor_OnAVersionWithoutReference_SaysHowToComputeOne()
    {
        var (_, _, endpoint) = await DeployPipelineAsync();
        var admin = Server.CreateAdminClient();
        await ServingTestKit.PredictAsync(admin, endpoint, ServingTestKit.ReadExpected("credit_pipeline.expected.json").Records);
        var monitor = UniqueName("mon");
        (await admin.PutAsJsonAsync($"/api/v1/monitors/{monitor}", new { endpoint })).EnsureSuccessStatusCode();

        using var run = await admin.PostAsync($"/api/v1/monitors/{monitor}/run", null);
        var problem = await run.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("ferry models reference", problem.GetProperty("errors").GetProperty("reference")[0].GetString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Webhooks_AreAdminOnly_AndTheirUrlsAreShownRedacted()
    {
        var admin = Server.CreateAdminClient();
        var name = UniqueName("hook");
        using var added = await admin.PostAsJsonAsync("/api/v1/webhooks", new { name, url = "https://hooks.example.com/services/T000/B000/secret-token" });
        var view = await added.AssertJsonAsync(HttpStatusCode.Created);
        Assert.DoesNotContain("secret", view.GetProperty("url").GetString(), StringComparison.Ordinal);

        var scientist = Server.CreateClient(await Server.CreateTokenAsync(Role.Scientist));
        using var forbidden = await scientist.PostAsJsonAsync("/api/v1/webhooks", new { name = UniqueName("hook"), url = "https://example.com/x" });
        await forbidden.AssertProblemAsync(HttpStatusCode.Forbidden);
        var list = await (await scientist.GetAsync("/api/v1/webhooks")).AssertJsonAsync(HttpStatusCode.OK);
        Assert.DoesNotContain("secret-token", list.GetRawText(), StringComparison.Ordinal);
        using var notHttp = await admin.PostAsJsonAsync("/api/v1/webhooks", new { name = UniqueName("hook"), url = "file:///etc/passwd" });
        Assert.True((await notHttp.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("url", out _));
        using var duplicate = await admin.PostAsJsonAsync("/api/v1/webhooks", new { name, url = "https://example.com/y" });
        await duplicate.AssertProblemAsync(HttpStatusCode.Conflict);
        using var removed = await admin.DeleteAsync($"/api/v1/webhooks/{name}");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
    }

    private async Task<(string Model, int Version, string Endpoint)> DeployPipelineAsync()
    {
        var model = UniqueName("model");
        var version = await ServingTestKit.RegisterTestDataAsync(Server, model, "credit_pipeline.onnx");
        var endpoint = UniqueName("ep");
        await ServingTestKit.DeployAsync(Server, endpoint, new { model, version, weight = 100 });
        return (model, version, endpoint);
    }

    private static JsonObject ReferenceBody(ServingTestKit.Expected expected, bool withLabels)
    {
        var body = new JsonObject { ["records"] = new JsonArray([.. expected.Records.Select(r => (JsonNode)r.DeepClone())]) };
        if (withLabels)
        {
            // Labels that disagree with the model on some rows, so both classes and a real calibration are present.
            body["labels"] = new JsonArray([.. expected.Labels.Select((l, i) => (JsonNode)JsonValue.Create(i % 5 == 0 ? (l == "1" ? "0" : "1") : l)!)]);
        }

        return body;
    }
}

/// <summary>On SQLite.</summary>
public sealed class SqliteMonitoringApiTests(SqliteServerFixture fixture) : MonitoringApiTests<SqliteServerFixture>(fixture);

/// <summary>On PostgreSQL.</summary>
public sealed class PostgresMonitoringApiTests(PostgresServerFixture fixture) : MonitoringApiTests<PostgresServerFixture>(fixture);
