using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Ferry.Server.Serving;
using Ferry.Server.Tests.Serving;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static Ferry.Server.Tests.Mlflow.Registry.RegistryTestKit;

namespace Ferry.Server.Tests.Monitoring;

/// <summary>
/// A monitor run right after traffic sees every row served before it, though the prediction log's writer still holds
/// them for its flush interval (which never elapses on the <see cref="TestClock"/>): the run has the writer write them
/// first, so drift is exact over all of them and CBPE estimates on all of them. On SQLite and PostgreSQL.
/// </summary>
public abstract class MonitorUnwrittenLogTests(DatabaseKind kind)
{
    [SkippableFact]
    public async Task Run_RightAfterTraffic_ReadsTheRowsTheLogWriterStillHeld()
    {
        DatabaseRequirement.EnsureAvailable(kind);
        await using var server = await FerryTestServer.StartAsync(kind, clock: new TestClock());
        var model = UniqueName("model");
        var version = await ServingTestKit.RegisterTestDataAsync(server, model, "credit_pipeline.onnx");
        var endpoint = UniqueName("ep");
        await ServingTestKit.DeployAsync(server, endpoint, new { model, version, weight = 100 });
        var expected = ServingTestKit.ReadExpected("credit_pipeline.expected.json");
        var admin = server.CreateAdminClient();
        // Labels that disagree with the model on some rows, so the reference is calibrated (both classes present).
        await admin.PutReferenceAsync(model, version, new JsonObject
        {
            ["records"] = new JsonArray([.. expected.Records.Select(r => (JsonNode)r.DeepClone())]),
            ["labels"] = new JsonArray([.. expected.Labels.Select((l, i) => (JsonNode)JsonValue.Create(i % 5 == 0 ? (l == "1" ? "0" : "1") : l)!)]),
        });
        var monitor = UniqueName("mon");
        (await admin.PutAsJsonAsync($"/api/v1/monitors/{monitor}", new
        {
            endpoint,
            spec = new { windowSeconds = 3600, minRows = 10, performance = new { metric = "roc_auc", min = 0.5, estimate = true, minLabelledRows = 10 } },
        })).EnsureSuccessStatusCode();

        await ServingTestKit.PredictAsync(admin, endpoint, expected.Records);
        var log = server.Services.GetRequiredService<PredictionLog>();
        Assert.Equal(expected.Records.Count, log.Count); // still in the writer's hands

        // The window ends a second after the traffic (the clock stands still, and a window's end is exclusive).
        var end = server.Clock.GetUtcNow().AddSeconds(1).ToUnixTimeMilliseconds();
        using var run = await admin.PostAsync($"/api/v1/monitors/{monitor}/run?end={end}", null);
        var report = (await run.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("report");

        Assert.Equal(expected.Records.Count, report.GetProperty("rows").GetInt32());
        var drift = report.GetProperty("drift");
        Assert.Equal("exact", drift.GetProperty("statistics").GetString());
        Assert.Equal(expected.Records.Count, drift.GetProperty("exactRows").GetInt32());
        Assert.Equal(expected.Records.Count, report.GetProperty("estimated").GetProperty("count").GetInt32());
        Assert.Equal(0, log.Count);
    }
}

/// <summary>On SQLite.</summary>
public sealed class SqliteMonitorUnwrittenLogTests() : MonitorUnwrittenLogTests(DatabaseKind.Sqlite);

/// <summary>On PostgreSQL.</summary>
public sealed class PostgresMonitorUnwrittenLogTests() : MonitorUnwrittenLogTests(DatabaseKind.PostgreSql);
