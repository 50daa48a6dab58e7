using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Ferry.Server.Identity;
using Ferry.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Server.Tests.Hosting;

/// <summary>
/// Two teams on one server: walks the route table with team A's scientist token against team B's experiment, run,
/// artifact, logged model, registered model and version. Every route that names one of them answers 403 (or 404) and
/// changes nothing; searches and lists answer 200 with team A's resources only; a grant from team B opens exactly what
/// it grants.
/// </summary>
public abstract class CrossTeamRouteTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private const string Mlflow = "/api/2.0/mlflow/";

    /// <summary>Routes under the walked prefixes that name no existing resource: creation, searches (checked below), and the unsupported multipart upload.</summary>
    private static readonly string[] NotNaming =
    [
        "/experiments/create", "/experiments/search", "/runs/search", "/registered-models/create", "/registered-models/search",
        "/model-versions/search", "/logged-models/search", "/mpu/", "/server-info",
    ];

    private sealed record Team(string Group, HttpClient Client, string ExperimentId, string ExperimentName, string RunId, string LoggedModelId, string Model, string ArtifactPath, byte[] Artifact);

    [Fact]
    public async Task EveryRouteNamingTeamBsResources_RefusesTeamA_AndChangesNothing()
    {
        var a = await SetUpTeamAsync("a");
        var b = await SetUpTeamAsync("b");
        var walked = new List<string>();
        foreach (var (method, pattern) in Routes().Where(r => Walked(r.Pattern)))
        {
            using var request = RequestFor(method, pattern, b);
            using var response = await a.Client.SendAsync(request);
            var status = response.StatusCode;
            Assert.True(status is HttpStatusCode.Forbidden or HttpStatusCode.NotFound,
                $"{method} {pattern} answered {(int)status} to team A on team B's resources: {await response.Content.ReadAsStringAsync()}");
            var body = await response.Content.ReadAsStringAsync();
            if (status == HttpStatusCode.Forbidden && pattern.Contains("/mlflow", StringComparison.Ordinal))
            {
                Assert.Contains("PERMISSION_DENIED", body, StringComparison.Ordinal);
            }
            else if (status == HttpStatusCode.Forbidden)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }

            walked.Add($"{method} {pattern}");
        }

        // Both prefixes, tracking, runs, artifacts, logged models, registry, Ferry's model routes and deploy.
        Assert.True(walked.Count >= 100, $"only {walked.Count} routes were walked");
        Assert.Contains(walked, r => r.Contains("mlflow-artifacts/artifacts/{**path}", StringComparison.Ordinal) && r.StartsWith("PUT", StringComparison.Ordinal));
        Assert.Contains(walked, r => r == "PUT /api/v1/endpoints/{name}");
        Assert.Contains(walked, r => r.Contains("logged-models/{modelId}", StringComparison.Ordinal));
        await AssertUnchangedAsync(b);
    }

    [Fact]
    public async Task Searches_ShowEachTeamOnlyItsOwn()
    {
        var a = await SetUpTeamAsync("a");
        var b = await SetUpTeamAsync("b");

        var experiments = await OkAsync(a.Client.PostAsJsonAsync(Mlflow + "experiments/search", new { max_results = 1000 }));
        var ids = experiments.GetProperty("experiments").EnumerateArray().Select(e => e.GetProperty("experiment_id").GetString()).ToList();
        Assert.Contains(a.ExperimentId, ids);
        Assert.DoesNotContain(b.ExperimentId, ids);
        var byQuery = await OkAsync(a.Client.GetAsync(Mlflow + "experiments/search?max_results=1000"));
        Assert.DoesNotContain(b.ExperimentId, byQuery.GetProperty("experiments").EnumerateArray().Select(e => e.GetProperty("experiment_id").GetString()));

        var runs = await OkAsync(a.Client.PostAsJsonAsync(Mlflow + "runs/search", new { experiment_ids = new[] { a.ExperimentId, b.ExperimentId } }));
        Assert.Equal([a.RunId], runs.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("info").GetProperty("run_id").GetString()));

        var logged = await OkAsync(a.Client.PostAsJsonAsync(Mlflow + "logged-models/search", new { experiment_ids = new[] { a.ExperimentId, b.ExperimentId } }));
        Assert.Equal([a.LoggedModelId], logged.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("info").GetProperty("model_id").GetString()));

        var models = await OkAsync(a.Client.GetAsync(Mlflow + "registered-models/search?max_results=1000"));
        var names = models.GetProperty("registered_models").EnumerateArray().Select(m => m.GetProperty("name").GetString()).ToList();
        Assert.Contains(a.Model, names);
        Assert.DoesNotContain(b.Model, names);

        var versions = await OkAsync(a.Client.GetAsync(Mlflow + $"model-versions/search?filter={Uri.EscapeDataString($"name='{b.Model}'")}"));
        Assert.Empty(versions.TryGetProperty("model_versions", out var list) ? list.EnumerateArray() : default);
        var own = await OkAsync(a.Client.GetAsync(Mlflow + $"model-versions/search?filter={Uri.EscapeDataString($"name='{a.Model}'")}"));
        Assert.Single(own.GetProperty("model_versions").EnumerateArray());

        var ferry = await OkAsync(a.Client.GetAsync("/api/v1/models"));
        var ferryNames = ferry.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("name").GetString()).ToList();
        Assert.Contains(a.Model, ferryNames);
        Assert.DoesNotContain(b.Model, ferryNames);

        // An admin still sees both.
        var all = await OkAsync(fixture.Server.CreateAdminClient().GetAsync(Mlflow + "registered-models/search?max_results=1000"));
        Assert.Contains(b.Model, all.GetProperty("registered_models").EnumerateArray().Select(m => m.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Grants_FromTheCreator_OpenWhatTheyGrant_AndOnlyManagersGrant()
    {
        var a = await SetUpTeamAsync("a");
        var b = await SetUpTeamAsync("b");
        var grant = new { resourceKind = "registered-model", resource = b.Model, principalKind = "group", principal = a.Group, permission = "READ" };
        using (var refused = await a.Client.PostAsJsonAsync("/api/v1/grants", grant))
        {
            await refused.AssertProblemAsync(HttpStatusCode.Forbidden);
        }

        using (var granted = await b.Client.PostAsJsonAsync("/api/v1/grants", grant))
        {
            await granted.AssertJsonAsync(HttpStatusCode.OK);
        }

        await OkAsync(a.Client.GetAsync(Mlflow + $"registered-models/get?name={Uri.EscapeDataString(b.Model)}"));
        using (var tag = await a.Client.PostAsJsonAsync(Mlflow + "registered-models/set-tag", new { name = b.Model, key = "k", value = "v" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, tag.StatusCode);
        }

        var listed = await OkAsync(a.Client.GetAsync($"/api/v1/grants?resourceKind=registered-model&resource={Uri.EscapeDataString(b.Model)}"));
        Assert.Contains(listed.GetProperty("grants").EnumerateArray(), g => g.GetProperty("principal").GetString() == a.Group && g.GetProperty("permission").GetString() == "READ");

        // The experiment stays closed: the grant was on the model only.
        using var experiment = await a.Client.GetAsync(Mlflow + $"experiments/get?experiment_id={b.ExperimentId}");
        Assert.Equal(HttpStatusCode.Forbidden, experiment.StatusCode);

        using (var revoked = await b.Client.DeleteAsync($"/api/v1/grants?resourceKind=registered-model&resource={Uri.EscapeDataString(b.Model)}&principalKind=group&principal={a.Group}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        using var closed = await a.Client.GetAsync(Mlflow + $"registered-models/get?name={Uri.EscapeDataString(b.Model)}");
        Assert.Equal(HttpStatusCode.Forbidden, closed.StatusCode);
    }

    [Fact]
    public void RuleTable_NamesOnlyRoutesThatExist()
    {
        var routes = Routes().Select(r => (r.Method, ResourceRules.Key(r.Pattern))).ToHashSet();
        Assert.All(ResourceRules.All, rule => Assert.True(routes.Contains(rule), $"{rule.Method} {rule.Route} is in the rule table but not in the route table"));
    }

    private static bool Walked(string pattern)
    {
        var underMlflow = pattern.Contains("/mlflow", StringComparison.Ordinal);
        var ferryModels = pattern.StartsWith("/api/v1/models/{name}", StringComparison.Ordinal);
        return (underMlflow || ferryModels || pattern == "/api/v1/endpoints/{name}")
            && !NotNaming.Any(n => pattern.Contains(n, StringComparison.Ordinal));
    }

    private List<(string Method, string Pattern)> Routes()
    {
        var sources = fixture.Server.Services.GetRequiredService<IEnumerable<EndpointDataSource>>();
        return [.. sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (m, e.RoutePattern.RawText ?? string.Empty)))
            .Distinct()];
    }

    private static HttpRequestMessage RequestFor(string method, string pattern, Team b)
    {
        var path = pattern
            .Replace("{modelId}", b.LoggedModelId, StringComparison.Ordinal)
            .Replace("{name}", Uri.EscapeDataString(b.Model), StringComparison.Ordinal)
            .Replace("{**path}", b.ArtifactPath, StringComparison.Ordinal)
            .Replace("{version:int}", "1", StringComparison.Ordinal)
            .Replace("{key}", "k", StringComparison.Ordinal);
        if (method == "GET")
        {
            var query = new Dictionary<string, string>
            {
                ["experiment_id"] = b.ExperimentId,
                ["experiment_name"] = b.ExperimentName,
                ["run_id"] = b.RunId,
                ["name"] = b.Model,
                ["version"] = "1",
                ["alias"] = "champion",
                ["metric_key"] = "auc",
                ["path"] = pattern.EndsWith("/artifacts", StringComparison.Ordinal) && pattern.Contains("mlflow-artifacts", StringComparison.Ordinal)
                    ? $"{b.ExperimentId}/{b.RunId}/artifacts"
                    : string.Empty,
            };
            path += "?" + string.Join("&", query.Where(q => q.Value.Length > 0).Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value)}"));
            return new HttpRequestMessage(HttpMethod.Get, path);
        }

        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (pattern.Contains("mlflow-artifacts", StringComparison.Ordinal))
        {
            request.Content = new ByteArrayContent([1, 2, 3]);
            return request;
        }

        var body = new Dictionary<string, object>
        {
            ["experiment_id"] = b.ExperimentId,
            ["run_id"] = b.RunId,
            ["name"] = b.Model,
            ["new_name"] = b.Model + "-stolen",
            ["version"] = "1",
            ["key"] = "k",
            ["value"] = "v",
            ["alias"] = "champion",
            ["stage"] = "Archived",
            ["status"] = "FAILED",
            ["timestamp"] = 1,
            ["model_json"] = "{}",
            ["source"] = $"mlflow-artifacts:/{b.ArtifactPath}",
            ["routes"] = new[] { new { model = b.Model, version = 1 } },
            ["force"] = true,
            ["metrics"] = new[] { new { key = "auc", value = 0.1, timestamp = 1, step = 0 } },
        };
        request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        return request;
    }

    [Fact]
    public async Task PromotionRequests_OfAnotherTeam_AreFilteredAndRefused()
    {
        var a = await SetUpTeamAsync("a");
        var b = await SetUpTeamAsync("b");
        var request = await OkAsync(b.Client.PostAsJsonAsync($"/api/v1/models/{b.Model}/versions/1/promotions", new { target = "challenger", justification = "team b" }), HttpStatusCode.Created);
        var id = request.GetProperty("id").GetString()!;

        var mine = await OkAsync(b.Client.GetAsync("/api/v1/promotions"));
        Assert.Contains(mine.GetProperty("promotions").EnumerateArray(), p => p.GetProperty("id").GetString() == id);
        var theirs = await OkAsync(a.Client.GetAsync("/api/v1/promotions"));
        Assert.DoesNotContain(theirs.GetProperty("promotions").EnumerateArray(), p => p.GetProperty("model").GetString() == b.Model);
        using (var get = await a.Client.GetAsync($"/api/v1/promotions/{id}"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, get.StatusCode);
        }

        foreach (var verb in new[] { "approve", "reject", "withdraw" })
        {
            using var decided = await a.Client.PostAsJsonAsync($"/api/v1/promotions/{id}/{verb}", new { comment = "not ours" });
            Assert.Equal(HttpStatusCode.Forbidden, decided.StatusCode);
        }
    }

    private async Task<Team> SetUpTeamAsync(string label)
    {
        var admin = fixture.Server.CreateAdminClient();
        var group = $"team-{label}-{Guid.NewGuid():N}";
        using (var created = await admin.PostAsJsonAsync("/api/v1/groups", new { name = group }))
        {
            await created.AssertJsonAsync(HttpStatusCode.Created);
        }

        var token = await OkAsync(admin.PostAsJsonAsync("/api/v1/tokens", new { name = $"sci-{group}", role = "scientist", group }), HttpStatusCode.Created);
        Assert.Equal(group, token.GetProperty("token").GetProperty("group").GetString());
        var client = fixture.Server.CreateClient(token.GetProperty("secret").GetString());

        var experimentName = $"exp-{group}";
        var experimentId = (await OkAsync(client.PostAsJsonAsync(Mlflow + "experiments/create", new { name = experimentName }))).GetProperty("experiment_id").GetString()!;
        var run = await OkAsync(client.PostAsJsonAsync(Mlflow + "runs/create", new { experiment_id = experimentId, run_name = "train" }));
        var runId = run.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;
        await OkAsync(client.PostAsJsonAsync(Mlflow + "runs/log-batch", new
        {
            run_id = runId,
            metrics = new[] { new { key = "auc", value = 0.9, timestamp = 1, step = 0 } },
            @params = new[] { new { key = "depth", value = "6" } },
        }));
        var artifact = await File.ReadAllBytesAsync(Serving.ServingTestKit.TestData("credit_gbm.onnx"));
        var artifactPath = $"{experimentId}/{runId}/artifacts/model/model.onnx";
        using (var upload = await client.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{artifactPath}", new ByteArrayContent(artifact)))
        {
            Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        }

        var logged = await OkAsync(client.PostAsJsonAsync(Mlflow + "logged-models", new { experiment_id = experimentId, name = "model", source_run_id = runId }));
        var loggedId = logged.GetProperty("model").GetProperty("info").GetProperty("model_id").GetString()!;
        var model = $"model-{group}";
        await OkAsync(client.PostAsJsonAsync(Mlflow + "registered-models/create", new { name = model }));
        await OkAsync(client.PostAsJsonAsync(Mlflow + "model-versions/create", new { name = model, source = $"mlflow-artifacts:/{artifactPath}", run_id = runId }));
        return new Team(group, client, experimentId, experimentName, runId, loggedId, model, artifactPath, artifact);
    }

    private static async Task AssertUnchangedAsync(Team b)
    {
        var experiment = await OkAsync(b.Client.GetAsync(Mlflow + $"experiments/get?experiment_id={b.ExperimentId}"));
        Assert.Equal(b.ExperimentName, experiment.GetProperty("experiment").GetProperty("name").GetString());
        Assert.Equal("active", experiment.GetProperty("experiment").GetProperty("lifecycle_stage").GetString());
        AssertNoTagK(experiment.GetProperty("experiment"));
        var run = await OkAsync(b.Client.GetAsync(Mlflow + $"runs/get?run_id={b.RunId}"));
        Assert.Equal("active", run.GetProperty("run").GetProperty("info").GetProperty("lifecycle_stage").GetString());
        Assert.Equal("RUNNING", run.GetProperty("run").GetProperty("info").GetProperty("status").GetString());
        Assert.Equal(["depth"], run.GetProperty("run").GetProperty("data").GetProperty("params").EnumerateArray().Select(p => p.GetProperty("key").GetString()));
        Assert.Equal(0.9, run.GetProperty("run").GetProperty("data").GetProperty("metrics").EnumerateArray().Single().GetProperty("value").GetDouble());
        var model = await OkAsync(b.Client.GetAsync(Mlflow + $"registered-models/get?name={Uri.EscapeDataString(b.Model)}"));
        Assert.False(model.GetProperty("registered_model").TryGetProperty("aliases", out var aliases) && aliases.GetArrayLength() > 0);
        AssertNoTagK(model.GetProperty("registered_model"));
        var version = await OkAsync(b.Client.GetAsync(Mlflow + $"model-versions/get?name={Uri.EscapeDataString(b.Model)}&version=1"));
        Assert.Equal("None", version.GetProperty("model_version").GetProperty("current_stage").GetString());
        using var stolen = await b.Client.GetAsync(Mlflow + $"registered-models/get?name={Uri.EscapeDataString(b.Model + "-stolen")}");
        Assert.Equal(HttpStatusCode.NotFound, stolen.StatusCode);
        var bytes = await b.Client.GetByteArrayAsync($"/api/2.0/mlflow-artifacts/artifacts/{b.ArtifactPath}");
        Assert.Equal(b.Artifact, bytes);
        var logged = await OkAsync(b.Client.GetAsync(Mlflow + $"logged-models/{b.LoggedModelId}"));
        AssertNoTagK(logged.GetProperty("model").GetProperty("info"));
        AssertNoTagK(run.GetProperty("run").GetProperty("data"));
    }

    /// <summary>The walk sets tag "k" wherever a route sets tags: none may have landed.</summary>
    private static void AssertNoTagK(JsonElement owner)
    {
        if (owner.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array)
        {
            Assert.DoesNotContain(tags.EnumerateArray(), t => t.GetProperty("key").GetString() == "k");
        }
    }

    private static async Task<JsonElement> OkAsync(Task<HttpResponseMessage> call, HttpStatusCode status = HttpStatusCode.OK)
    {
        using var response = await call;
        return await response.AssertJsonAsync(status);
    }
}

public sealed class SqliteCrossTeamRouteTests(SqliteServerFixture fixture) : CrossTeamRouteTests<SqliteServerFixture>(fixture);

public sealed class PostgresCrossTeamRouteTests(PostgresServerFixture fixture) : CrossTeamRouteTests<PostgresServerFixture>(fixture);
