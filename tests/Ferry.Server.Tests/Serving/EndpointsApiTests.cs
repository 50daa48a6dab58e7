using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Ferry.Core.Identity;
using Ferry.Core.Serving;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static Ferry.Server.Tests.Mlflow.Registry.RegistryTestKit;

namespace Ferry.Server.Tests.Serving;

/// <summary>Endpoint management over HTTP (<c>/api/v1/endpoints</c>), on SQLite and PostgreSQL, with real ONNX versions.</summary>
public abstract class EndpointsApiTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private FerryTestServer Server => fixture.Server;

    [SkippableFact]
    public async Task Deploy_Redeploy_Rollback_KeepHistory_AndAreAudited()
    {
        var admin = Server.CreateAdminClient();
        var scientist = Server.CreateClient(await Server.CreateTokenAsync(Role.Scientist, $"sci-{Guid.NewGuid():N}"));
        var model = await RegisterAsync(admin, "linear.onnx", "linear.onnx", "linear.onnx");
        var name = EndpointName();

        var first = await DeployAsync(scientist, name, new { model, version = 1 });
        Assert.Equal(1, first.GetProperty("activeRevision").GetInt32());
        var route = Assert.Single(first.GetProperty("routes").EnumerateArray());
        Assert.Equal((1, "weighted", 100, "onnx"), (route.GetProperty("resolvedVersion").GetInt32(), route.GetProperty("role").GetString(),
            route.GetProperty("weight").GetInt32(), route.GetProperty("flavor").GetString()));

        var second = await DeployAsync(scientist, name,
            new { model, version = 1, role = "weighted", weight = 90 },
            new { model, version = "2", role = "weighted", weight = 10 },
            new { model, version = 3, role = "shadow" });
        Assert.Equal(2, second.GetProperty("activeRevision").GetInt32());
        Assert.Equal([(1, 90, "weighted"), (2, 10, "weighted"), (3, 0, "shadow")], Routes(second));

        using var rolled = await scientist.PostAsync($"/api/v1/endpoints/{name}/rollback", null);
        var third = await rolled.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(3, third.GetProperty("activeRevision").GetInt32());
        Assert.Equal([(1, 100, "weighted")], Routes(third));

        var viewer = Server.CreateClient(await Server.CreateTokenAsync(Role.Viewer));
        using var shown = await viewer.GetAsync($"/api/v1/endpoints/{name}");
        var view = await shown.AssertJsonAsync(HttpStatusCode.OK);
        var history = view.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3], history.Select(h => h.GetProperty("revision").GetInt32()));
        Assert.Equal([false, false, true], history.Select(h => h.GetProperty("active").GetBoolean()));
        Assert.Equal(3, history[1].GetProperty("routes").GetArrayLength());

        using var listed = await viewer.GetAsync("/api/v1/endpoints");
        var list = await listed.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Contains(list.GetProperty("endpoints").EnumerateArray(), e => e.GetProperty("name").GetString() == name);

        Assert.Equal(2, await CountAuditAsync(Server, "endpoint.deploy", $"endpoint/{name}"));
        Assert.Equal(1, await CountAuditAsync(Server, "endpoint.rollback", $"endpoint/{name}"));
    }

    [SkippableFact]
    public async Task AliasRoute_RePoints_WhenTheAliasMoves()
    {
        var admin = Server.CreateAdminClient();
        var scientist = Server.CreateClient(await Server.CreateTokenAsync(Role.Scientist));
        var model = await RegisterAsync(admin, "linear.onnx", "linear.onnx");
        await SendAsync(admin, HttpMethod.Post, "registered-models/alias", new { name = model, alias = "champion", version = "1" }).OkAsync();
        var name = EndpointName();

        var deployed = await DeployAsync(scientist, name, new { model, alias = "champion" });
        var route = Assert.Single(deployed.GetProperty("routes").EnumerateArray());
        Assert.Equal(("champion", 1), (route.GetProperty("alias").GetString(), route.GetProperty("resolvedVersion").GetInt32()));
        Assert.Equal(JsonValueKind.Null, route.GetProperty("version").ValueKind);

        await SendAsync(admin, HttpMethod.Post, "registered-models/alias", new { name = model, alias = "champion", version = "2" }).OkAsync();
        using var shown = await scientist.GetAsync($"/api/v1/endpoints/{name}");
        var view = await shown.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, view.GetProperty("routes")[0].GetProperty("resolvedVersion").GetInt32());
        Assert.Equal(1, view.GetProperty("activeRevision").GetInt32());

        await using var scope = Server.Services.CreateAsyncScope();
        var resolved = (await scope.ServiceProvider.GetRequiredService<IEndpointStore>().ResolveAsync(name))!;
        var serving = Assert.Single(resolved.Routes);
        Assert.Equal((2, "champion", "onnx"), (serving.Version, serving.Alias, serving.Flavor));
        Assert.EndsWith("/model", serving.ArtifactPath, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Deploy_RefusesWhatCannotBeServed_WithFieldLevelProblems()
    {
        var admin = Server.CreateAdminClient();
        var model = await RegisterAsync(admin, "linear.onnx");
        await CreateVersionAsync(admin, model, "s3://bucket/credit/model");
        var name = EndpointName();

        await AssertRefusedAsync(admin, name, "routes[0]", "does not exist", new { model = "no-such-model", version = 1 });
        await AssertRefusedAsync(admin, name, "routes[0]", "no version 7", new { model, version = 7 });
        await AssertRefusedAsync(admin, name, "routes[0]", "no alias 'ghost'", new { model, alias = "ghost" });
        await AssertRefusedAsync(admin, name, "routes[0]", "cannot be served", new { model, version = 2 });
        await AssertRefusedAsync(admin, name, "routes[0]", "weight", new { model, version = 1, weight = -5 });
        await AssertRefusedAsync(admin, name, "routes", "more than 0", new { model, version = 1, weight = 0 });
        await AssertRefusedAsync(admin, name, "routes[0].role", "weighted or shadow", new { model, version = 1, role = "mirror" });
        await AssertRefusedAsync(admin, "Bad_Name", "name", "endpoint name", new { model, version = 1 });
        await AssertRefusedAsync(admin, name, "routes", "at least one");

        using var malformed = await admin.PutAsync($"/api/v1/endpoints/{name}", new StringContent("{\"routes\":[{\"model\":", Encoding.UTF8, "application/json"));
        await malformed.AssertProblemAsync(HttpStatusCode.BadRequest);
        using var missing = await admin.GetAsync($"/api/v1/endpoints/{name}");
        await missing.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [SkippableFact]
    public async Task IncompatibleSignature_IsRefused_UnlessForced()
    {
        var admin = Server.CreateAdminClient();
        var model = await RegisterAsync(admin, "linear.onnx", "mixed_types.onnx");
        var name = EndpointName();
        await DeployAsync(admin, name, new { model, version = 1 });

        using var refused = await PutAsync(admin, name, force: false, new { model, version = 2 });
        var problem = await refused.AssertProblemAsync(HttpStatusCode.BadRequest);
        var messages = problem.GetProperty("errors").GetProperty("routes[0]").EnumerateArray().Select(m => m.GetString()!).ToList();
        Assert.All(messages, m => Assert.StartsWith("incompatible:", m, StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("'x'", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("'purpose'", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("'term_months'", StringComparison.Ordinal));

        using var forced = await PutAsync(admin, name, force: true, new { model, version = 2 });
        var view = await forced.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, view.GetProperty("activeRevision").GetInt32());
        Assert.Equal([(2, 100, "weighted")], Routes(view));
    }

    [SkippableFact]
    public async Task Viewer_MayRead_ButNotChange_AndScientistMayBatchAndDelete()
    {
        var admin = Server.CreateAdminClient();
        var model = await RegisterAsync(admin, "linear.onnx");
        var name = EndpointName();
        await DeployAsync(admin, name, new { model, version = 1 });
        var viewer = Server.CreateClient(await Server.CreateTokenAsync(Role.Viewer));

        using (var put = await PutAsync(viewer, name, false, new { model, version = 1 }))
        {
            await put.AssertProblemAsync(HttpStatusCode.Forbidden);
        }

        using (var rollback = await viewer.PostAsync($"/api/v1/endpoints/{name}/rollback", null))
        {
            await rollback.AssertProblemAsync(HttpStatusCode.Forbidden);
        }

        using (var delete = await viewer.DeleteAsync($"/api/v1/endpoints/{name}"))
        {
            await delete.AssertProblemAsync(HttpStatusCode.Forbidden);
        }

        using (var read = await viewer.GetAsync($"/api/v1/endpoints/{name}"))
        {
            await read.AssertJsonAsync(HttpStatusCode.OK);
        }

        var scientist = Server.CreateClient(await Server.CreateTokenAsync(Role.Scientist));
        using (var onlyOne = await scientist.PostAsync($"/api/v1/endpoints/{name}/rollback", null))
        {
            await onlyOne.AssertProblemAsync(HttpStatusCode.Conflict);
        }

        using (var batching = await scientist.PutAsJsonAsync($"/api/v1/endpoints/{name}/batching", new { maxBatchSize = 32, maxDelayMicros = 500 }))
        {
            var view = await batching.AssertJsonAsync(HttpStatusCode.OK);
            Assert.Equal((32, 500), (view.GetProperty("batching").GetProperty("maxBatchSize").GetInt32(), view.GetProperty("batching").GetProperty("maxDelayMicros").GetInt32()));
        }

        using (var badBatching = await scientist.PutAsJsonAsync($"/api/v1/endpoints/{name}/batching", new { maxBatchSize = 0 }))
        {
            var problem = await badBatching.AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("maxDelayMicros", out _));
        }

        using (var shownBefore = await viewer.GetAsync($"/api/v1/endpoints/{name}"))
        {
            Assert.Equal("buffered", (await shownBefore.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("durability").GetString());
        }

        using (var viewerDurability = await viewer.PutAsJsonAsync($"/api/v1/endpoints/{name}/durability", new { durability = "durable" }))
        {
            await viewerDurability.AssertProblemAsync(HttpStatusCode.Forbidden);
        }

        using (var durability = await scientist.PutAsJsonAsync($"/api/v1/endpoints/{name}/durability", new { durability = "durable" }))
        {
            Assert.Equal("durable", (await durability.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("durability").GetString());
        }

        using (var listed = await viewer.GetAsync("/api/v1/endpoints"))
        {
            var entry = (await listed.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("endpoints").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
            Assert.Equal("durable", entry.GetProperty("durability").GetString());
        }

        using (var badDurability = await scientist.PutAsJsonAsync($"/api/v1/endpoints/{name}/durability", new { durability = "eventually" }))
        {
            var problem = await badDurability.AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("durability", out _));
        }

        using (var deleted = await scientist.DeleteAsync($"/api/v1/endpoints/{name}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using (var gone = await viewer.GetAsync($"/api/v1/endpoints/{name}"))
        {
            await gone.AssertProblemAsync(HttpStatusCode.NotFound);
        }

        Assert.Equal(1, await CountAuditAsync(Server, "endpoint.delete", $"endpoint/{name}"));
        Assert.Equal(1, await CountAuditAsync(Server, "endpoint.batching", $"endpoint/{name}"));
        Assert.Equal(1, await CountAuditAsync(Server, "endpoint.durability", $"endpoint/{name}"));
    }

    private static string EndpointName() => $"ep-{Guid.NewGuid():N}";

    private static List<(int Version, int Weight, string Role)> Routes(JsonElement endpoint) =>
        [.. endpoint.GetProperty("routes").EnumerateArray().Select(r => (r.GetProperty("resolvedVersion").GetInt32(), r.GetProperty("weight").GetInt32(), r.GetProperty("role").GetString()!))];

    private static Task<HttpResponseMessage> PutAsync(HttpClient client, string name, bool force, params object[] routes) =>
        client.PutAsJsonAsync($"/api/v1/endpoints/{name}", new { routes, force });

    private static async Task<JsonElement> DeployAsync(HttpClient client, string name, params object[] routes)
    {
        using var response = await PutAsync(client, name, false, routes);
        return await response.AssertJsonAsync(HttpStatusCode.OK);
    }

    private static async Task AssertRefusedAsync(HttpClient client, string name, string field, string mention, params object[] routes)
    {
        using var response = await PutAsync(client, name, false, routes);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), $"no error on {field}: {problem}");
        Assert.Contains(messages.EnumerateArray(), m => m.GetString()!.Contains(mention, StringComparison.Ordinal));
    }

    /// <summary>Registers a model with one version per file, each uploaded under its own run as the MLflow client does.</summary>
    private async Task<string> RegisterAsync(HttpClient client, params string[] files)
    {
        var model = await CreateModelAsync(client);
        foreach (var file in files)
        {
            var run = await SeedRunAsync(Server);
            await SeedArtifactAsync(Server, $"{ArtifactRoot(run)}/model/{file}", TestData(file));
            await CreateVersionAsync(client, model, $"runs:/{run.Id}/model", run.Id);
        }

        return model;
    }

    private static byte[] TestData(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Join(dir.FullName, "tests", "testdata", file);
            if (File.Exists(candidate))
            {
                return File.ReadAllBytes(candidate);
            }
        }

        throw new FileNotFoundException($"tests/testdata/{file} not found above {AppContext.BaseDirectory}");
    }
}

public sealed class SqliteEndpointsApiTests(SqliteServerFixture fixture) : EndpointsApiTests<SqliteServerFixture>(fixture);

public sealed class PostgresEndpointsApiTests(PostgresServerFixture fixture) : EndpointsApiTests<PostgresServerFixture>(fixture);
