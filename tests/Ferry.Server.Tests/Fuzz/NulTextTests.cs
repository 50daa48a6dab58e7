using System.Net;
using System.Net.Http.Json;
using System.Text;
using Ferry.Server.Tests.Mlflow.Tracking;
using Ferry.Testing;
using Xunit;

namespace Ferry.Server.Tests.Fuzz;

/// <summary>
/// NUL (U+0000) in any text a client sends is refused with 400 naming the field, on both databases alike
/// (PostgreSQL cannot store it in text; SQLite could, but then the two would differ).
/// </summary>
public abstract class NulTextTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private const string Nul = "a\\u0000b";

    private HttpClient Admin => fixture.Server.CreateAdminClient();

    [SkippableFact]
    public async Task MlflowCreateExperiment_NameWithNul_Is400NamingItAndStoresNothing()
    {
        var client = Admin;
        var name = "nul-" + Guid.NewGuid().ToString("N");

        var message = await client.PostErrorAsync("experiments/create", $"{{\"name\": \"{name}\\u0000\"}}", HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");

        Assert.Contains("'name'", message, StringComparison.Ordinal);
        using var missing = await client.GetAsync(MlflowCalls.Api + "experiments/get-by-name?experiment_name=" + name);
        await missing.AssertMlflowErrorAsync(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
    }

    [SkippableFact]
    public async Task MlflowWrites_NulInTagsParamsNamesDescriptions_Are400NamingTheField()
    {
        var client = Admin;
        var experiment = await client.CreateExperimentAsync();
        var run = MlflowCalls.RunIdOf(await client.CreateRunAsync(experiment));
        var model = "nul-model-" + Guid.NewGuid().ToString("N");
        await client.PostOkAsync("registered-models/create", MlflowCalls.Json(new { name = model }));

        (string Path, string Body, string Field)[] writes =
        [
            ("experiments/create", $"{{\"name\": \"x\", \"tags\": [{{\"key\": \"k\", \"value\": \"{Nul}\"}}]}}", "tags[0].value"),
            ("experiments/set-experiment-tag", $"{{\"experiment_id\": \"{experiment}\", \"key\": \"{Nul}\", \"value\": \"v\"}}", "key"),
            ("experiments/update", $"{{\"experiment_id\": \"{experiment}\", \"new_name\": \"{Nul}\"}}", "new_name"),
            ("runs/log-parameter", $"{{\"run_id\": \"{run}\", \"key\": \"p\", \"value\": \"{Nul}\"}}", "value"),
            ("runs/set-tag", $"{{\"run_id\": \"{run}\", \"key\": \"{Nul}\", \"value\": \"v\"}}", "key"),
            ("runs/update", $"{{\"run_id\": \"{run}\", \"run_name\": \"{Nul}\"}}", "run_name"),
            ("runs/log-batch", $"{{\"run_id\": \"{run}\", \"params\": [{{\"key\": \"q\", \"value\": \"{Nul}\"}}]}}", "params[0].value"),
            ("registered-models/create", $"{{\"name\": \"{Nul}\"}}", "name"),
            ("registered-models/rename", $"{{\"name\": \"{model}\", \"new_name\": \"{Nul}\"}}", "new_name"),
            ("registered-models/set-tag", $"{{\"name\": \"{model}\", \"key\": \"k\", \"value\": \"{Nul}\"}}", "value"),
        ];
        foreach (var (path, body, field) in writes)
        {
            var message = await client.PostErrorAsync(path, body, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
            Assert.True(message.Contains($"'{field}'", StringComparison.Ordinal), $"{path}: {message}");
        }

        using var update = new HttpRequestMessage(HttpMethod.Patch, MlflowCalls.Api + "registered-models/update")
        {
            Content = new StringContent($"{{\"name\": \"{model}\", \"description\": \"{Nul}\"}}", Encoding.UTF8, "application/json"),
        };
        using var described = await client.SendAsync(update);
        Assert.Contains("'description'", await described.AssertMlflowErrorAsync(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE"), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Lookups_NulInQueryOrPath_Are400NamingIt()
    {
        var client = Admin;

        using (var byName = await client.GetAsync(MlflowCalls.Api + "experiments/get-by-name?experiment_name=a%00b"))
        {
            var message = await byName.AssertMlflowErrorAsync(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
            Assert.Contains("experiment_name", message, StringComparison.Ordinal);
        }

        using (var audit = await client.GetAsync("/api/v1/audit?actor=a%00b"))
        {
            var problem = await audit.AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("actor", out _), problem.GetRawText());
        }

        // Kestrel itself refuses a path that decodes to NUL (400, before Ferry's pipeline), so no route value holds one.
        using var deploy = await client.PutAsJsonAsync("/api/v1/endpoints/a%00b", new { routes = new[] { new { model = "m", version = 1 } } });
        Assert.Equal(HttpStatusCode.BadRequest, deploy.StatusCode);
    }

    [SkippableFact]
    public async Task FerryApiNames_WithNul_Are400NamingTheField()
    {
        var client = Admin;
        (HttpMethod Method, string Path, string Body, string Field)[] writes =
        [
            (HttpMethod.Post, "/api/v1/tokens", $"{{\"name\": \"{Nul}\", \"role\": \"viewer\"}}", "name"),
            (HttpMethod.Put, "/api/v1/endpoints/nul-ep", $"{{\"routes\": [{{\"model\": \"{Nul}\", \"version\": 1}}]}}", "routes[0].model"),
            (HttpMethod.Post, "/api/v1/webhooks", $"{{\"name\": \"{Nul}\", \"url\": \"http://127.0.0.1:9/\"}}", "name"),
            (HttpMethod.Put, "/api/v1/monitors/nul-monitor", $"{{\"endpoint\": \"{Nul}\"}}", "endpoint"),
        ];
        foreach (var (method, path, body, field) in writes)
        {
            using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            using var response = await client.SendAsync(request);
            var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{path}: {problem.GetRawText()}");
        }
    }
}

public sealed class SqliteNulTextTests(SqliteServerFixture fixture) : NulTextTests<SqliteServerFixture>(fixture);

public sealed class PostgresNulTextTests(PostgresServerFixture fixture) : NulTextTests<PostgresServerFixture>(fixture);
