using System.Net;
using System.Text.Json;
using Ferry.Core.Identity;
using Ferry.Testing;
using Xunit;

namespace Ferry.Server.Tests.Mlflow.Tracking;

/// <summary>Run routes with the bodies the fluent client sends (spec §3, §4.8-4.18, §10 items 4-7).</summary>
public abstract class RunConformanceTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private HttpClient Client => fixture.Server.CreateAdminClient();

    [SkippableFact]
    public async Task StartRun_ThenEndRun_FollowsTheLifecycle()
    {
        var client = Client;
        var exp = await client.CreateExperimentAsync();
        var run = await client.CreateRunAsync(exp, "r");
        var info = run.GetProperty("info");
        var runId = info.GetProperty("run_id").GetString()!;
        Assert.Equal(32, runId.Length);
        Assert.Equal(runId, info.GetProperty("run_uuid").GetString());
        Assert.Equal("r", info.GetProperty("run_name").GetString());
        Assert.Equal("RUNNING", info.GetProperty("status").GetString());
        Assert.Equal("active", info.GetProperty("lifecycle_stage").GetString());
        Assert.Equal(exp, info.GetProperty("experiment_id").GetString());
        Assert.Equal("alice", info.GetProperty("user_id").GetString());
        Assert.Equal(1_700_000_000_000, info.GetProperty("start_time").GetInt64());
        Assert.False(info.TryGetProperty("end_time", out _));
        Assert.Equal($"mlflow-artifacts:/{exp}/{runId}/artifacts", info.GetProperty("artifact_uri").GetString());
        Assert.Equal(JsonValueKind.Object, run.GetProperty("inputs").ValueKind);
        Assert.Equal(JsonValueKind.Object, run.GetProperty("outputs").ValueKind);
        Assert.Equal("train.py", MlflowCalls.Entry(run.GetProperty("data").GetProperty("tags"), "mlflow.source.name")!.Value.GetProperty("value").GetString());

        var updated = await client.PostOkAsync("runs/update", MlflowCalls.Json(new { run_id = runId, run_uuid = runId, status = "FINISHED", end_time = 1_700_000_005_000 }));
        Assert.Equal("FINISHED", updated.GetProperty("run_info").GetProperty("status").GetString());
        Assert.Equal(1_700_000_005_000, updated.GetProperty("run_info").GetProperty("end_time").GetInt64());
        var got = (await client.GetOkAsync($"runs/get?run_uuid={runId}&run_id={runId}")).GetProperty("run").GetProperty("info");
        Assert.Equal("FINISHED", got.GetProperty("status").GetString());
        Assert.Equal(1_700_000_005_000, got.GetProperty("end_time").GetInt64());
    }

    [SkippableFact]
    public async Task CreateRun_WithoutName_GeneratesOne_MirroredInTag_AndRenameUpdatesTag()
    {
        var client = Client;
        var run = await client.CreateRunAsync("0");
        var name = run.GetProperty("info").GetProperty("run_name").GetString()!;
        Assert.Matches("^[a-z]+-[a-z]+-[0-9]{1,3}$", name);
        Assert.Equal(name, MlflowCalls.Entry(run.GetProperty("data").GetProperty("tags"), "mlflow.runName")!.Value.GetProperty("value").GetString());

        var runId = MlflowCalls.RunIdOf(run);
        await client.PostOkAsync("runs/set-tag", MlflowCalls.Json(new { run_id = runId, run_uuid = runId, key = "mlflow.runName", value = "renamed" }));
        var got = (await client.GetOkAsync($"runs/get?run_id={runId}")).GetProperty("run");
        Assert.Equal("renamed", got.GetProperty("info").GetProperty("run_name").GetString());
        await client.PostOkAsync("runs/update", MlflowCalls.Json(new { run_id = runId, run_name = "again" }));
        got = (await client.GetOkAsync($"runs/get?run_id={runId}")).GetProperty("run");
        Assert.Equal("again", MlflowCalls.Entry(got.GetProperty("data").GetProperty("tags"), "mlflow.runName")!.Value.GetProperty("value").GetString());
    }

    [SkippableFact]
    public async Task CreateRun_NameAndTagDisagree_Is400()
    {
        await Client.PostErrorAsync(
            "runs/create",
            MlflowCalls.Json(new { experiment_id = 0, run_name = "a", tags = new[] { new { key = "mlflow.runName", value = "b" } } }),
            HttpStatusCode.BadRequest,
            "INVALID_PARAMETER_VALUE");
    }

    [SkippableFact]
    public async Task LogParam_IsIdempotent_ButImmutable()
    {
        var client = Client;
        var runId = MlflowCalls.RunIdOf(await client.CreateRunAsync("0", "p"));
        await client.PostOkAsync("runs/log-parameter", MlflowCalls.Json(new { run_id = runId, run_uuid = runId, key = "a", value = "1" }));
        await client.PostOkAsync("runs/log-parameter", MlflowCalls.Json(new { run_id = runId, run_uuid = runId, key = "a", value = "1" }));
        await client.PostErrorAsync("runs/log-parameter", MlflowCalls.Json(new { run_id = runId, run_uuid = runId, key = "a", value = "2" }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "Changing param values is not allowed.");
        await client.PostErrorAsync("runs/log-batch", MlflowCalls.Json(new { run_id = runId, @params = new[] { new { key = "b", value = "1" }, new { key = "b", value = "2" } } }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "Changing param values is not allowed.");
        var run = (await client.GetOkAsync($"runs/get?run_id={runId}")).GetProperty("run");
        Assert.Equal("1", MlflowCalls.Entry(run.GetProperty("data").GetProperty("params"), "a")!.Value.GetProperty("value").GetString());
        Assert.Null(MlflowCalls.Entry(run.GetProperty("data").GetProperty("params"), "b"));
    }

    [SkippableFact]
    public async Task LogMetric_KeepsHistory_LatestByStep_AndNaNRoundTrips()
    {
        var client = Client;
        var runId = MlflowCalls.RunIdOf(await client.CreateRunAsync("0", "m"));
        for (var i = 0; i < 5; i++)
        {
            await client.PostOkAsync("runs/log-metric", MlflowCalls.Json(new { run_id = runId, run_uuid = runId, key = "m", value = i * 0.5, timestamp = 1_700_000_000_000 + i, step = i }));
        }

        await client.PostOkAsync("runs/log-metric", $$"""{"run_id":"{{runId}}","run_uuid":"{{runId}}","key":"nan","value":"NaN","timestamp":1700000000000,"step":0}""");
        await client.PostOkAsync("runs/log-metric", $$"""{"run_id":"{{runId}}","key":"inf","value":"-Infinity","timestamp":1700000000000}""");

        var run = (await client.GetOkAsync($"runs/get?run_id={runId}")).GetProperty("run");
        var metrics = run.GetProperty("data").GetProperty("metrics");
        Assert.Equal(3, metrics.GetArrayLength());
        var m = MlflowCalls.Entry(metrics, "m")!.Value;
        Assert.Equal(2.0, m.GetProperty("value").GetDouble());
        Assert.Equal(4, m.GetProperty("step").GetInt64());
        Assert.Equal("NaN", MlflowCalls.Entry(metrics, "nan")!.Value.GetProperty("value").GetString());
        Assert.Equal("-Infinity", MlflowCalls.Entry(metrics, "inf")!.Value.GetProperty("value").GetString());

        var history = await client.GetOkAsync($"metrics/get-history?run_uuid={runId}&run_id={runId}&metric_key=m&max_results=25000");
        var points = history.GetProperty("metrics").EnumerateArray().ToList();
        Assert.Equal([0L, 1, 2, 3, 4], points.Select(p => p.GetProperty("step").GetInt64()));
        Assert.False(history.TryGetProperty("next_page_token", out _));
        var nan = await client.GetOkAsync($"metrics/get-history?run_id={runId}&metric_key=nan");
        Assert.Equal("NaN", nan.GetProperty("metrics")[0].GetProperty("value").GetString());
        var unknown = await client.GetOkAsync($"metrics/get-history?run_id={runId}&metric_key=none");
        Assert.Equal(0, unknown.GetProperty("metrics").GetArrayLength());
    }

    [SkippableFact]
    public async Task GetHistory_PagesWithTokens()
    {
        var client = Client;
        var runId = MlflowCalls.RunIdOf(await client.CreateRunAsync("0", "h"));
        var metrics = Enumerable.Range(0, 5).Select(i => new { key = "loss", value = 1.0 / (i + 1), timestamp = 1_700_000_000_000L + i, step = (long)i }).ToArray();
        await client.PostOkAsync("runs/log-batch", MlflowCalls.Json(new { run_id = runId, metrics }));
        var steps = new List<long>();
        string? token = null;
        var pages = 0;
        do
        {
            var query = $"metrics/get-history?run_id={runId}&metric_key=loss&max_results=2" + (token is null ? string.Empty : "&page_token=" + Uri.EscapeDataString(token));
            var page = await client.GetOkAsync(query);
            steps.AddRange(page.GetProperty("metrics").EnumerateArray().Select(p => p.GetProperty("step").GetInt64()));
            token = page.TryGetProperty("next_page_token", out var next) ? next.GetString() : null;
            pages++;
        }
        while (token is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal([0L, 1, 2, 3, 4], steps);
    }

    [SkippableFact]
    public async Task LogBatch_150Params_IsRefused_But100Plus50Works_AndTagsLastWins()
    {
        var client = Client;
        var runId = MlflowCalls.RunIdOf(await client.CreateRunAsync("0", "b"));
        var all = Enumerable.Range(0, 150).Select(i => new { key = $"p{i}", value = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }).ToArray();
        await client.PostErrorAsync("runs/log-batch", MlflowCalls.Json(new { run_id = runId, @params = all }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        var run = (await client.GetOkAsync($"runs/get?run_id={runId}")).GetProperty("run");
        Assert.Equal(0, run.GetProperty("data").GetProperty("params").GetArrayLength());

        await client.PostOkAsync("runs/log-batch", MlflowCalls.Json(new { run_id = runId, @params = all[..100] }));
        await client.PostOkAsync("runs/log-batch", MlflowCalls.Json(new { run_id = runId, @params = all[100..] }));
        await client.PostOkAsync("runs/log-batch", MlflowCalls.Json(new { run_id = runId, tags = new[] { new { key = "t", value = "1" }, new { key = "t", value = "2" } } }));
        run = (await client.GetOkAsync($"runs/get?run_id={runId}")).GetProperty("run");
        Assert.Equal(150, run.GetProperty("data").GetProperty("params").GetArrayLength());
        Assert.Equal("2", MlflowCalls.Entry(run.GetProperty("data").GetProperty("tags"), "t")!.Value.GetProperty("value").GetString());
    }

    [SkippableFact]
    public async Task DeleteTag_LogInputs_LogModel()
    {
        var client = Client;
        var runId = MlflowCalls.RunIdOf(await client.CreateRunAsync("0", "n"));
        await client.PostOkAsync("runs/set-tag", MlflowCalls.Json(new { run_id = runId, key = "x", value = "1" }));
        await client.PostOkAsync("runs/delete-tag", MlflowCalls.Json(new { run_id = runId, key = "x" }));
        await client.PostErrorAsync("runs/delete-tag", MlflowCalls.Json(new { run_id = runId, key = "x" }), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");

        var dataset = new { tags = new[] { new { key = "mlflow.data.context", value = "training" } }, dataset = new { name = "loans", digest = "abc123", source_type = "local", source = "{\"uri\":\"loans.csv\"}" } };
        await client.PostOkAsync("runs/log-inputs", MlflowCalls.Json(new { run_id = runId, datasets = new[] { dataset, dataset } }));
        await client.PostOkAsync("runs/log-inputs", MlflowCalls.Json(new { run_id = runId, datasets = new[] { dataset } }));
        await client.PostOkAsync("runs/log-model", MlflowCalls.Json(new { run_id = runId, model_json = "{\"artifact_path\":\"model\",\"flavors\":{}}" }));

        var run = (await client.GetOkAsync($"runs/get?run_id={runId}")).GetProperty("run");
        Assert.Null(MlflowCalls.Entry(run.GetProperty("data").GetProperty("tags"), "x"));
        var inputs = run.GetProperty("inputs").GetProperty("dataset_inputs");
        var input = Assert.Single(inputs.EnumerateArray());
        Assert.Equal("loans", input.GetProperty("dataset").GetProperty("name").GetString());
        Assert.Equal("training", MlflowCalls.Entry(input.GetProperty("tags"), "mlflow.data.context")!.Value.GetProperty("value").GetString());
        var history = MlflowCalls.Entry(run.GetProperty("data").GetProperty("tags"), "mlflow.log-model.history")!.Value.GetProperty("value").GetString()!;
        Assert.Equal("model", JsonDocument.Parse(history).RootElement[0].GetProperty("artifact_path").GetString());
    }

    [SkippableFact]
    public async Task DeletedRun_RefusesLogging_ButCanBeReadAndRestored()
    {
        var client = Client;
        var runId = MlflowCalls.RunIdOf(await client.CreateRunAsync("0", "d"));
        await client.PostOkAsync("runs/delete", MlflowCalls.Json(new { run_id = runId }));
        var run = (await client.GetOkAsync($"runs/get?run_id={runId}")).GetProperty("run");
        Assert.Equal("deleted", run.GetProperty("info").GetProperty("lifecycle_stage").GetString());
        await client.PostErrorAsync("runs/log-parameter", MlflowCalls.Json(new { run_id = runId, key = "a", value = "1" }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        await client.PostErrorAsync("runs/log-metric", MlflowCalls.Json(new { run_id = runId, key = "a", value = 1, timestamp = 1 }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        await client.PostErrorAsync("runs/update", MlflowCalls.Json(new { run_id = runId, status = "FINISHED" }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        await client.PostOkAsync("runs/restore", MlflowCalls.Json(new { run_id = runId }));
        await client.PostOkAsync("runs/log-parameter", MlflowCalls.Json(new { run_id = runId, key = "a", value = "1" }));
    }

    [SkippableFact]
    public async Task Errors_UseMlflowShape()
    {
        var client = Client;
        using (var unknown = await client.GetAsync(MlflowCalls.Api + "runs/get?run_id=0123456789abcdef0123456789abcdef"))
        {
            await unknown.AssertMlflowErrorAsync(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "Run with id=0123456789abcdef0123456789abcdef not found");
        }

        using (var unknownExperiment = await client.GetAsync(MlflowCalls.Api + "experiments/get?experiment_id=987654"))
        {
            await unknownExperiment.AssertMlflowErrorAsync(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        }

        using (var missing = await client.GetAsync(MlflowCalls.Api + "runs/get"))
        {
            await missing.AssertMlflowErrorAsync(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'run_id'");
        }

        await client.PostErrorAsync("runs/log-metric", "{\"key\":\"m\",\"value\":1,\"timestamp\":1}", HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'run_id'");
        await client.PostErrorAsync("runs/log-batch", "{\"run_id\": ", HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        await client.PostErrorAsync("runs/create", MlflowCalls.Json(new { experiment_id = "424242" }), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        await client.PostErrorAsync("runs/log-metric", MlflowCalls.Json(new { run_id = "0123456789abcdef0123456789abcdef", key = "m", value = 1, timestamp = 1 }), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        await client.PostErrorAsync("runs/delete", string.Empty, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'run_id'");
    }

    [SkippableFact]
    public async Task Viewer_MayRead_ButNotLog()
    {
        var admin = Client;
        var runId = MlflowCalls.RunIdOf(await admin.CreateRunAsync("0", "v"));
        var viewer = fixture.Server.CreateClient(await fixture.Server.CreateTokenAsync(Role.Viewer));
        await viewer.GetOkAsync($"runs/get?run_id={runId}");
        await viewer.PostOkAsync("runs/search", MlflowCalls.Json(new { experiment_ids = new[] { "0" }, filter = "", run_view_type = "ACTIVE_ONLY", max_results = 10 }));
        await viewer.PostErrorAsync("runs/log-metric", MlflowCalls.Json(new { run_id = runId, key = "m", value = 1, timestamp = 1 }), HttpStatusCode.Forbidden, "PERMISSION_DENIED");
        await viewer.PostErrorAsync("experiments/create", MlflowCalls.Json(new { name = "nope" }), HttpStatusCode.Forbidden, "PERMISSION_DENIED");
    }
}

public sealed class SqliteRunConformanceTests(SqliteServerFixture fixture) : RunConformanceTests<SqliteServerFixture>(fixture);

public sealed class PostgresRunConformanceTests(PostgresServerFixture fixture) : RunConformanceTests<PostgresServerFixture>(fixture);
