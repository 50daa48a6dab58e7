using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Ferry.Core.Identity;
using Ferry.Server.Tests.Mlflow.Tracking;
using Ferry.Testing;
using Xunit;

namespace Ferry.Server.Tests.Mlflow;

/// <summary>
/// The whole notebook flow of the MLflow spec (§3 and the §10 checklist) in one run, request for request as the
/// fluent Python client sends it: tracking, the artifact proxy and the registry together, on SQLite and PostgreSQL.
/// </summary>
public abstract class ClientFlowTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private FerryTestServer Server => fixture.Server;

    [SkippableFact]
    public async Task NotebookFlow_TrackLogArtifactsRegisterAliasSearchDelete()
    {
        var scientist = Server.CreateClient(await Server.CreateTokenAsync(Role.Scientist));
        var approver = Server.CreateClient(await Server.CreateTokenAsync(Role.Approver));
        var experimentName = $"credit-risk-{Guid.NewGuid():N}";
        var modelName = $"credit-risk-{Guid.NewGuid():N}";

        // set_experiment: get-by-name (missing) -> create -> get.
        using (var missing = await scientist.GetAsync($"{MlflowCalls.Api}experiments/get-by-name?experiment_name={experimentName}"))
        {
            await missing.AssertMlflowErrorAsync(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        }

        var experimentId = (await scientist.PostOkAsync("experiments/create", $$"""{"name": "{{experimentName}}"}""")).GetProperty("experiment_id").GetString()!;
        var experiment = (await scientist.GetOkAsync($"experiments/get?experiment_id={experimentId}")).GetProperty("experiment");
        Assert.Equal($"mlflow-artifacts:/{experimentId}", experiment.GetProperty("artifact_location").GetString());

        // start_run with the tags the client adds.
        var started = await scientist.PostOkAsync("runs/create", $$"""
            {"experiment_id": "{{experimentId}}", "user_id": "alice", "start_time": 1700000000000, "run_name": "gbm-baseline",
             "tags": [{"key": "mlflow.user", "value": "alice"}, {"key": "mlflow.source.name", "value": "train.ipynb"},
                      {"key": "mlflow.source.type", "value": "LOCAL"}, {"key": "mlflow.runName", "value": "gbm-baseline"}]}
            """);
        var info = started.GetProperty("run").GetProperty("info");
        var runId = info.GetProperty("run_id").GetString()!;
        Assert.Equal(runId, info.GetProperty("run_uuid").GetString());
        Assert.Equal("RUNNING", info.GetProperty("status").GetString());
        var artifactUri = info.GetProperty("artifact_uri").GetString()!;
        Assert.Equal($"mlflow-artifacts:/{experimentId}/{runId}/artifacts", artifactUri);

        // log_param (idempotent, immutable), log_metric with steps, NaN, log_params in two chunks, set_tags.
        await scientist.PostOkAsync("runs/log-parameter", $$"""{"run_id": "{{runId}}", "run_uuid": "{{runId}}", "key": "learning_rate", "value": "0.1"}""");
        await scientist.PostOkAsync("runs/log-parameter", $$"""{"run_id": "{{runId}}", "run_uuid": "{{runId}}", "key": "learning_rate", "value": "0.1"}""");
        using (var changed = await scientist.PostRawAsync("runs/log-parameter", $$"""{"run_id": "{{runId}}", "run_uuid": "{{runId}}", "key": "learning_rate", "value": "0.2"}"""))
        {
            await changed.AssertMlflowErrorAsync(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "Changing param values is not allowed.");
        }

        double[] aucs = [0.61, 0.7, 0.74, 0.77, 0.79];
        for (var step = 0; step < aucs.Length; step++)
        {
            await scientist.PostOkAsync("runs/log-metric",
                $$"""{"run_id": "{{runId}}", "run_uuid": "{{runId}}", "key": "auc", "value": {{aucs[step]}}, "timestamp": {{1700000001000 + step}}, "step": {{step}}}""");
        }

        await scientist.PostOkAsync("runs/log-metric", $$"""{"run_id": "{{runId}}", "run_uuid": "{{runId}}", "key": "unstable", "value": "NaN", "timestamp": 1700000002000, "step": 0}""");
        var manyParams = Enumerable.Range(0, 150).Select(i => $$"""{"key": "p{{i}}", "value": "{{i}}"}""").ToList();
        await scientist.PostOkAsync("runs/log-batch", $$"""{"run_id": "{{runId}}", "params": [{{string.Join(",", manyParams.Take(100))}}]}""");
        await scientist.PostOkAsync("runs/log-batch", $$"""{"run_id": "{{runId}}", "params": [{{string.Join(",", manyParams.Skip(100))}}]}""");
        await scientist.PostOkAsync("runs/log-batch", $$"""{"run_id": "{{runId}}", "tags": [{"key": "team", "value": "risk"}, {"key": "data", "value": "2026-11"}]}""");

        // log_artifact(s): runs/get for the artifact URI, then one PUT per file through the proxy.
        var artifactPath = artifactUri["mlflow-artifacts:/".Length..];
        await PutAsync(scientist, $"{artifactPath}/notes/readme.txt", Encoding.UTF8.GetBytes("trained on synthetic credit data\n"), "text/plain");
        var onnx = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "testdata", "linear.onnx"));
        await PutAsync(scientist, $"{artifactPath}/model/MLmodel", Encoding.UTF8.GetBytes("flavors:\n  onnx:\n    onnx_version: 1.12.0\n"), "application/octet-stream");
        await PutAsync(scientist, $"{artifactPath}/model/model.onnx", onnx, "application/octet-stream");
        var listing = await scientist.GetOkAsync($"../mlflow-artifacts/artifacts?path={Uri.EscapeDataString(artifactPath + "/model")}");
        Assert.Equal(["MLmodel", "model.onnx"], listing.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()).Order(StringComparer.Ordinal));
        using (var download = await scientist.GetAsync($"/api/2.0/mlflow-artifacts/artifacts/{artifactPath}/model/model.onnx"))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal(onnx, await download.Content.ReadAsByteArrayAsync());
        }

        // end_run, then what get_run, get_metric_history and search_runs see.
        var ended = await scientist.PostOkAsync("runs/update", $$"""{"run_id": "{{runId}}", "run_uuid": "{{runId}}", "status": "FINISHED", "end_time": 1700000009000}""");
        Assert.Equal("FINISHED", ended.GetProperty("run_info").GetProperty("status").GetString());
        var run = (await scientist.GetOkAsync($"runs/get?run_id={runId}&run_uuid={runId}")).GetProperty("run");
        var metrics = run.GetProperty("data").GetProperty("metrics").EnumerateArray().ToDictionary(m => m.GetProperty("key").GetString()!, m => m.GetProperty("value"));
        Assert.Equal(0.79, metrics["auc"].GetDouble(), 12);
        Assert.Equal("NaN", metrics["unstable"].GetString());
        Assert.Equal(151, run.GetProperty("data").GetProperty("params").GetArrayLength());
        var history = await scientist.GetOkAsync($"metrics/get-history?run_uuid={runId}&run_id={runId}&metric_key=auc&max_results=25000");
        Assert.Equal(aucs, history.GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("value").GetDouble()));
        var found = await scientist.PostOkAsync("runs/search", $$"""
            {"experiment_ids": ["{{experimentId}}"], "filter": "params.learning_rate = '0.1' and metrics.auc >= 0.75", "run_view_type": "ACTIVE_ONLY", "max_results": 10000, "order_by": ["metrics.auc DESC"]}
            """);
        Assert.Equal(runId, Assert.Single(found.GetProperty("runs").EnumerateArray()).GetProperty("info").GetProperty("run_id").GetString());

        // register_model("runs:/<run>/model") twice: versions 1 and 2, READY at once, signature read from the ONNX graph.
        for (var expected = 1; expected <= 2; expected++)
        {
            using (var create = await scientist.PostRawAsync("registered-models/create", $$"""{"name": "{{modelName}}"}"""))
            {
                Assert.True(create.StatusCode == HttpStatusCode.OK || (await create.Content.ReadAsStringAsync()).Contains("RESOURCE_ALREADY_EXISTS", StringComparison.Ordinal));
            }

            var version = (await scientist.PostOkAsync("model-versions/create",
                $$"""{"name": "{{modelName}}", "source": "{{artifactUri}}/model", "run_id": "{{runId}}"}""")).GetProperty("model_version");
            Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), version.GetProperty("version").GetString());
            Assert.Equal("READY", version.GetProperty("status").GetString());
        }

        using (var view = await scientist.GetAsync($"/api/v1/models/{modelName}/versions/1"))
        {
            var body = await view.AssertJsonAsync(HttpStatusCode.OK);
            Assert.Equal("onnx", body.GetProperty("flavor").GetString());
            var signature = body.GetProperty("signature").ToString();
            Assert.Contains("\"x\"", signature, StringComparison.Ordinal);
            Assert.Contains("probability", signature, StringComparison.Ordinal);
            Assert.Contains(runId, body.ToString(), StringComparison.Ordinal);
        }

        // Aliases: the champion needs an approver; a scientist is refused in MLflow's shape.
        using (var refused = await RegistryAsync(scientist, HttpMethod.Post, "registered-models/alias", $$"""{"name": "{{modelName}}", "alias": "champion", "version": "1"}"""))
        {
            await refused.AssertMlflowErrorAsync(HttpStatusCode.Forbidden, "PERMISSION_DENIED");
        }

        using (var set = await RegistryAsync(approver, HttpMethod.Post, "registered-models/alias", $$"""{"name": "{{modelName}}", "alias": "champion", "version": "2"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        }

        var champion = await scientist.GetOkAsync($"registered-models/alias?name={modelName}&alias=champion");
        Assert.Equal("2", champion.GetProperty("model_version").GetProperty("version").GetString());
        var versions = await scientist.GetOkAsync($"model-versions/search?filter={Uri.EscapeDataString($"name='{modelName}'")}&max_results=10000");
        Assert.Equal(2, versions.GetProperty("model_versions").GetArrayLength());

        // Deletes: the run is soft-deleted and still readable; search sees it only as deleted.
        await scientist.PostOkAsync("runs/delete", $$"""{"run_id": "{{runId}}"}""");
        var deleted = (await scientist.GetOkAsync($"runs/get?run_id={runId}")).GetProperty("run").GetProperty("info");
        Assert.Equal("deleted", deleted.GetProperty("lifecycle_stage").GetString());
        var onlyDeleted = await scientist.PostOkAsync("runs/search", $$"""{"experiment_ids": ["{{experimentId}}"], "run_view_type": "DELETED_ONLY"}""");
        Assert.Single(onlyDeleted.GetProperty("runs").EnumerateArray());

        // The audit trail saw every step, and the chain still holds.
        var admin = Server.CreateAdminClient();
        using var verify = await admin.GetAsync("/api/v1/audit/verify");
        Assert.True((await verify.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("isValid").GetBoolean());
        using var trail = await admin.GetAsync($"/api/v1/audit?target={Uri.EscapeDataString($"run/{runId}")}&limit=1000");
        var actions = (await trail.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("events").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains("run.create", actions);
        Assert.Contains("run.delete", actions);
    }

    private static async Task PutAsync(HttpClient client, string path, byte[] content, string contentType)
    {
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var response = await client.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{path}", body);
        var json = await response.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Object, json.ValueKind);
    }

    private static Task<HttpResponseMessage> RegistryAsync(HttpClient client, HttpMethod method, string path, string json)
    {
        var request = new HttpRequestMessage(method, MlflowCalls.Api + path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        return client.SendAsync(request);
    }
}

public sealed class SqliteClientFlowTests(SqliteServerFixture fixture) : ClientFlowTests<SqliteServerFixture>(fixture);

public sealed class PostgresClientFlowTests(PostgresServerFixture fixture) : ClientFlowTests<PostgresServerFixture>(fixture);
