using System.Net;
using System.Text;
using Ferry.Core.Identity;
using Ferry.Testing;
using Xunit;

namespace Ferry.Server.Tests.Mlflow.Tracking;

/// <summary>
/// MLflow 3's logged-model routes with the bodies the 3.11 client sends (<c>service.proto</c>), and the answers
/// MLflow 3.11's server gives: create, finalize, get, params, tags, model_id metrics, run inputs and outputs, search.
/// </summary>
public abstract class LoggedModelConformanceTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private HttpClient Client => fixture.Server.CreateAdminClient();

    [SkippableFact]
    public async Task LoggedModel_CreateFinalizeGet_AnswersAsMlflow()
    {
        var client = Client;
        var exp = await client.CreateExperimentAsync();
        var runId = MlflowCalls.RunIdOf(await client.CreateRunAsync(exp));
        var created = (await client.PostOkAsync("logged-models", MlflowCalls.Json(new
        {
            experiment_id = exp,
            name = "model",
            source_run_id = runId,
            @params = new[] { new { key = "lr", value = "0.1" } },
            tags = new[] { new { key = "team", value = "risk" } },
        }))).GetProperty("model");
        var info = created.GetProperty("info");
        var id = info.GetProperty("model_id").GetString()!;
        Assert.Matches("^m-[0-9a-f]{32}$", id);
        Assert.Equal("LOGGED_MODEL_PENDING", info.GetProperty("status").GetString());
        Assert.Equal($"mlflow-artifacts:/{exp}/models/{id}/artifacts", info.GetProperty("artifact_uri").GetString());
        Assert.Equal(runId, info.GetProperty("source_run_id").GetString());
        Assert.Equal(string.Empty, info.GetProperty("model_type").GetString());
        Assert.Equal("lr", created.GetProperty("data").GetProperty("params")[0].GetProperty("key").GetString());

        using (var finalize = await SendAsync(client, HttpMethod.Patch, $"logged-models/{id}", MlflowCalls.Json(new { model_id = id, status = "LOGGED_MODEL_READY" })))
        {
            var model = (await finalize.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("model");
            Assert.Equal("LOGGED_MODEL_READY", model.GetProperty("info").GetProperty("status").GetString());
        }

        using (var pending = await SendAsync(client, HttpMethod.Patch, $"logged-models/{id}", MlflowCalls.Json(new { model_id = id, status = "LOGGED_MODEL_PENDING" })))
        {
            await pending.AssertMlflowErrorAsync(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        }

        var got = (await client.GetOkAsync($"logged-models/{id}")).GetProperty("model").GetProperty("info");
        Assert.Equal("LOGGED_MODEL_READY", got.GetProperty("status").GetString());
        Assert.Equal("risk", MlflowCalls.Entry(got.GetProperty("tags"), "team")!.Value.GetProperty("value").GetString());

        using (var missing = await client.GetAsync(MlflowCalls.Api + "logged-models/m-nope"))
        {
            await missing.AssertMlflowErrorAsync(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "Logged model with ID 'm-nope' not found.");
        }

        await client.PostErrorAsync("logged-models", """{"experiment_id": "999999"}""", HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "No Experiment with id=999999 exists");
        using (var trail = await client.GetAsync($"/api/v1/audit?target={Uri.EscapeDataString($"logged-model/{id}")}&limit=100"))
        {
            var actions = (await trail.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("events").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
            Assert.Equal(["logged-model.create", "logged-model.finalize"], actions.Order(StringComparer.Ordinal));
        }

        var viewer = fixture.Server.CreateClient(await fixture.Server.CreateTokenAsync(Role.Viewer));
        await viewer.PostErrorAsync("logged-models", MlflowCalls.Json(new { experiment_id = exp }), HttpStatusCode.Forbidden, "PERMISSION_DENIED");
    }

    [SkippableFact]
    public async Task LoggedModel_ParamsTagsAndDelete_FollowMlflow()
    {
        var client = Client;
        var exp = await client.CreateExperimentAsync();
        var id = await CreateModelAsync(client, exp, "m");
        await client.PostOkAsync($"logged-models/{id}/params", MlflowCalls.Json(new { model_id = id, @params = new[] { new { key = "depth", value = "3" } } }));
        await client.PostErrorAsync($"logged-models/{id}/params", MlflowCalls.Json(new { model_id = id, @params = new[] { new { key = "depth", value = "4" } } }),
            HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "Changing param values is not allowed.");
        using (var set = await SendAsync(client, HttpMethod.Patch, $"logged-models/{id}/tags", MlflowCalls.Json(new { tags = new[] { new { key = "a", value = "1" }, new { key = "b", value = "2" } } })))
        {
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        }

        using (var deleted = await SendAsync(client, HttpMethod.Delete, $"logged-models/{id}/tags/a", null))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        using (var again = await SendAsync(client, HttpMethod.Delete, $"logged-models/{id}/tags/a", null))
        {
            await again.AssertMlflowErrorAsync(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        }

        var model = (await client.GetOkAsync($"logged-models/{id}")).GetProperty("model");
        Assert.Equal(["b"], model.GetProperty("info").GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("key").GetString()));
        Assert.Equal("3", MlflowCalls.Entry(model.GetProperty("data").GetProperty("params"), "depth")!.Value.GetProperty("value").GetString());

        using (var delete = await SendAsync(client, HttpMethod.Delete, $"logged-models/{id}", MlflowCalls.Json(new { model_id = id })))
        {
            Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        }

        using (var gone = await client.GetAsync(MlflowCalls.Api + $"logged-models/{id}"))
        {
            await gone.AssertMlflowErrorAsync(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        }

        var kept = (await client.GetOkAsync($"logged-models/{id}?allow_deleted=true")).GetProperty("model");
        Assert.Equal(id, kept.GetProperty("info").GetProperty("model_id").GetString());
    }

    [SkippableFact]
    public async Task ModelMetrics_LoggedWithModelId_AreOnTheModelAndOnceInTheRunHistory()
    {
        var client = Client;
        var exp = await client.CreateExperimentAsync();
        var runId = MlflowCalls.RunIdOf(await client.CreateRunAsync(exp));
        var id = await CreateModelAsync(client, exp, "m", runId);
        await client.PostOkAsync("runs/log-metric", MlflowCalls.Json(new { run_id = runId, key = "auc", value = 0.8, timestamp = 1_700_000_000_100, step = 0 }));

        // What log_model does: re-log the run's metrics of the step with the model's id.
        await client.PostOkAsync("runs/log-batch", MlflowCalls.Json(new
        {
            run_id = runId,
            metrics = new[] { new { key = "auc", value = 0.8, timestamp = 1_700_000_000_100, step = 0, model_id = id, run_id = runId } },
        }));
        await client.PostOkAsync("runs/log-metric", MlflowCalls.Json(new { run_id = runId, key = "f1", value = 0.7, timestamp = 1_700_000_000_200, step = 1, model_id = id, dataset_name = "holdout", dataset_digest = "abc" }));

        var metrics = (await client.GetOkAsync($"logged-models/{id}")).GetProperty("model").GetProperty("data").GetProperty("metrics");
        Assert.Equal(["auc", "f1"], metrics.EnumerateArray().Select(m => m.GetProperty("key").GetString()));
        Assert.Equal(id, metrics[0].GetProperty("model_id").GetString());
        Assert.Equal(runId, metrics[0].GetProperty("run_id").GetString());
        Assert.Equal("holdout", metrics[1].GetProperty("dataset_name").GetString());
        var history = await client.GetOkAsync($"metrics/get-history?run_id={runId}&metric_key=auc");
        Assert.Single(history.GetProperty("metrics").EnumerateArray());
        var run = (await client.GetOkAsync($"runs/get?run_id={runId}")).GetProperty("run");
        Assert.NotNull(MlflowCalls.Entry(run.GetProperty("data").GetProperty("metrics"), "f1"));

        await client.PostErrorAsync("runs/log-metric", MlflowCalls.Json(new { run_id = runId, key = "x", value = 1.0, timestamp = 1, model_id = "m-missing" }),
            HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "Logged model with ID 'm-missing' not found.");
    }

    [SkippableFact]
    public async Task RunsOutputsAndModelInputs_ShowOnRunsGetAndSearch()
    {
        var client = Client;
        var exp = await client.CreateExperimentAsync();
        var runId = MlflowCalls.RunIdOf(await client.CreateRunAsync(exp));
        var produced = await CreateModelAsync(client, exp, "produced", runId);
        var used = await CreateModelAsync(client, exp, "used");
        await client.PostOkAsync("runs/outputs", MlflowCalls.Json(new { run_id = runId, models = new[] { new { model_id = produced, step = 3 } } }));
        await client.PostOkAsync("runs/log-inputs", MlflowCalls.Json(new { run_id = runId, models = new[] { new { model_id = used } } }));

        var run = (await client.GetOkAsync($"runs/get?run_id={runId}")).GetProperty("run");
        var output = Assert.Single(run.GetProperty("outputs").GetProperty("model_outputs").EnumerateArray());
        Assert.Equal(produced, output.GetProperty("model_id").GetString());
        Assert.Equal(3, output.GetProperty("step").GetInt64());
        Assert.Equal(used, Assert.Single(run.GetProperty("inputs").GetProperty("model_inputs").EnumerateArray()).GetProperty("model_id").GetString());
        var found = await client.PostOkAsync("runs/search", MlflowCalls.Json(new { experiment_ids = new[] { exp } }));
        Assert.Equal(produced, found.GetProperty("runs")[0].GetProperty("outputs").GetProperty("model_outputs")[0].GetProperty("model_id").GetString());

        await client.PostErrorAsync("runs/outputs", MlflowCalls.Json(new { run_id = runId, models = new[] { new { model_id = "m-missing", step = 0 } } }),
            HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        await client.PostErrorAsync("runs/outputs", MlflowCalls.Json(new { run_id = new string('0', 32), models = new[] { new { model_id = produced, step = 0 } } }),
            HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
    }

    [SkippableFact]
    public async Task SearchLoggedModels_FiltersOrdersAndPages()
    {
        var client = Client;
        var exp = await client.CreateExperimentAsync();
        var runId = MlflowCalls.RunIdOf(await client.CreateRunAsync(exp));
        var ids = new Dictionary<string, string>();
        foreach (var (name, lr, auc) in new[] { ("alpha", "0.1", 0.7), ("beta", "0.2", 0.9), ("gamma", "0.1", 0.8) })
        {
            ids[name] = await CreateModelAsync(client, exp, name, runId, lr);
            await client.PostOkAsync("runs/log-metric", MlflowCalls.Json(new { run_id = runId, key = "auc", value = auc - 0.5, timestamp = 1_700_000_000_000, step = 0, model_id = ids[name] }));
            await client.PostOkAsync("runs/log-metric", MlflowCalls.Json(new { run_id = runId, key = "auc", value = auc, timestamp = 1_700_000_000_001, step = 0, model_id = ids[name] }));
        }

        using (var ready = await SendAsync(client, HttpMethod.Patch, $"logged-models/{ids["beta"]}", MlflowCalls.Json(new { status = 2 })))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        async Task<List<string>> NamesAsync(object body) =>
            [.. (await client.PostOkAsync("logged-models/search", MlflowCalls.Json(body))).GetProperty("models").EnumerateArray()
                .Select(m => m.GetProperty("info").GetProperty("name").GetString()!)];

        Assert.Equal(3, (await NamesAsync(new { experiment_ids = new[] { exp } })).Count);
        Assert.Equal(["alpha", "gamma"], await NamesAsync(new { experiment_ids = new[] { exp }, filter = "params.lr = '0.1'", order_by = new[] { new { field_name = "name" } } }));
        Assert.Equal(["gamma", "beta"], await NamesAsync(new { experiment_ids = new[] { exp }, filter = "metrics.auc >= 0.75", order_by = new[] { new { field_name = "metrics.auc", ascending = true } } }));
        Assert.Equal(["beta"], await NamesAsync(new { experiment_ids = new[] { exp }, filter = "status = 'READY' AND name LIKE 'b%'" }));
        Assert.Equal(["beta", "gamma", "alpha"], await NamesAsync(new { experiment_ids = new[] { exp }, order_by = new[] { new { field_name = "metrics.auc", ascending = false } } }));
        Assert.Equal(["alpha"], await NamesAsync(new { experiment_ids = new[] { exp }, filter = $"attributes.model_id = '{ids["alpha"]}'" }));

        var first = await client.PostOkAsync("logged-models/search", MlflowCalls.Json(new { experiment_ids = new[] { exp }, max_results = 2, order_by = new[] { new { field_name = "name" } } }));
        Assert.Equal(["alpha", "beta"], first.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("info").GetProperty("name").GetString()));
        var token = first.GetProperty("next_page_token").GetString();
        var second = await client.PostOkAsync("logged-models/search", MlflowCalls.Json(new { experiment_ids = new[] { exp }, max_results = 2, page_token = token, order_by = new[] { new { field_name = "name" } } }));
        Assert.Equal(["gamma"], second.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("info").GetProperty("name").GetString()));
        Assert.False(second.TryGetProperty("next_page_token", out _));

        await client.PostErrorAsync("logged-models/search", MlflowCalls.Json(new { experiment_ids = new[] { exp }, filter = "run.start_time > 0" }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        await client.PostErrorAsync("logged-models/search", MlflowCalls.Json(new { experiment_ids = new[] { exp }, order_by = new[] { new { field_name = "colour" } } }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    private static async Task<string> CreateModelAsync(HttpClient client, string exp, string name, string? runId = null, string? lr = null)
    {
        var body = await client.PostOkAsync("logged-models", MlflowCalls.Json(new
        {
            experiment_id = exp,
            name,
            source_run_id = runId,
            @params = lr is null ? [] : new[] { new { key = "lr", value = lr } },
        }));
        return body.GetProperty("model").GetProperty("info").GetProperty("model_id").GetString()!;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string? json)
    {
        var request = new HttpRequestMessage(method, MlflowCalls.Api + path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return client.SendAsync(request);
    }
}

public sealed class SqliteLoggedModelConformanceTests(SqliteServerFixture fixture) : LoggedModelConformanceTests<SqliteServerFixture>(fixture);

public sealed class PostgresLoggedModelConformanceTests(PostgresServerFixture fixture) : LoggedModelConformanceTests<PostgresServerFixture>(fixture);
