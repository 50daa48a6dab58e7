using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Server.Serving;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static Ferry.Server.Tests.Mlflow.Registry.RegistryTestKit;

namespace Ferry.Server.Tests.Serving;

/// <summary>
/// What <c>/invocations</c> answers per endpoint (MLflow's <c>pyfunc_predict_fn</c>: predict, predict_proba, every
/// named output) and its errors in MLflow's shape, on SQLite and PostgreSQL.
/// </summary>
public abstract class InvocationsOutputTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private FerryTestServer Server => fixture.Server;

    [SkippableFact]
    public async Task Deploy_WithPredictProba_AnswersClassProbabilitiesInClassOrder()
    {
        var (endpoint, expected) = await DeployAsync("credit_pipeline", "predict_proba");
        var predictions = await InvokeAsync(endpoint, expected);
        Assert.Equal(expected.Probabilities.Length, predictions.Count);
        for (var i = 0; i < predictions.Count; i++)
        {
            var row = predictions[i].EnumerateArray().Select(p => p.GetDouble()).ToArray();
            Assert.Equal(expected.Probabilities[i].Length, row.Length);
            for (var c = 0; c < row.Length; c++)
            {
                Assert.Equal(expected.Probabilities[i][c], row[c], ServingTestKit.Tolerance);
            }
        }

        using var shown = await Server.CreateAdminClient().GetAsync($"/api/v1/endpoints/{endpoint}");
        Assert.Equal("predict_proba", (await shown.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("invocationsOutput").GetString());
    }

    [SkippableFact]
    public async Task SetOutputs_TensorAndZipMapModels_AnswerEveryNamedOutputPerRow()
    {
        var (pipeline, pipelineExpected) = await DeployAsync("credit_pipeline", null);
        await SetAsync(pipeline, "outputs");
        var rows = await InvokeAsync(pipeline, pipelineExpected);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(pipelineExpected.Labels[i], rows[i].GetProperty("label").GetString());
            var probabilities = rows[i].GetProperty("probabilities").EnumerateArray().Select(p => p.GetDouble()).ToArray();
            Assert.Equal(pipelineExpected.Probabilities[i][1], probabilities[1], ServingTestKit.Tolerance);
        }

        // scikit-learn's ZipMap: MLflow's onnx flavor answers {"output_probability": {"0": p0, "1": p1}} per row.
        var (gbm, gbmExpected) = await DeployAsync("credit_gbm", "outputs");
        rows = await InvokeAsync(gbm, gbmExpected);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(gbmExpected.Labels[i], rows[i].GetProperty("label").GetInt64().ToString(CultureInfo.InvariantCulture));
            var map = rows[i].GetProperty("output_probability");
            Assert.Equal(gbmExpected.Classes, map.EnumerateObject().Select(p => p.Name));
            Assert.Equal(gbmExpected.Probabilities[i][1], map.GetProperty(gbmExpected.Classes[1]).GetDouble(), ServingTestKit.Tolerance);
        }

        await SetAsync(gbm, "predict");
        rows = await InvokeAsync(gbm, gbmExpected);
        Assert.Equal(gbmExpected.Labels, rows.Select(r => r.GetInt64().ToString(CultureInfo.InvariantCulture)));
    }

    [SkippableFact]
    public async Task InvocationsOutput_UnknownChoice_Is400AndChangesNothing()
    {
        var (endpoint, _) = await DeployAsync("credit_pipeline", null);
        var admin = Server.CreateAdminClient();
        using var response = await admin.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}/invocations-output", new { invocationsOutput = "predict_log_proba" });
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("invocationsOutput", out _));
        using var shown = await admin.GetAsync($"/api/v1/endpoints/{endpoint}");
        Assert.Equal("predict", (await shown.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("invocationsOutput").GetString());
        Assert.Equal(0, await CountAuditAsync(Server, "endpoint.invocations-output", $"endpoint/{endpoint}"));
        await SetAsync(endpoint, "outputs");
        Assert.Equal(1, await CountAuditAsync(Server, "endpoint.invocations-output", $"endpoint/{endpoint}"));
    }

    [SkippableTheory]
    [InlineData("not json", "BAD_REQUEST", "not valid JSON")]
    [InlineData("[1, 2]", "BAD_REQUEST", "Received a list")]
    [InlineData("{\"foo\": [1]}", "BAD_REQUEST", "exactly one of the input fields")]
    [InlineData("{\"dataframe_records\": [{\"age\": 40}], \"inputs\": [1]}", "BAD_REQUEST", "['dataframe_records', 'inputs']")]
    [InlineData("{\"dataframe_records\": [{\"age\": \"x\", \"income\": 1, \"open_accounts\": 2, \"purpose\": \"car\"}]}", "BAD_REQUEST", "dataframe_records[0].age")]
    [InlineData("{\"dataframe_records\": [{\"age\": 40, \"income\": 1, \"open_accounts\": 2}]}", "INVALID_PARAMETER_VALUE", "purpose")]
    public async Task Invocations_BadRequests_AnswerMlflowsErrorShape(string body, string code, string mention)
    {
        var (endpoint, _) = await DeployAsync("credit_pipeline", null);
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await Server.CreateAdminClient().PostAsync($"/api/v1/endpoints/{endpoint}/invocations", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(code, error.GetProperty("error_code").GetString());
        Assert.Contains(mention, error.GetProperty("message").GetString()!, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Invocations_ParamsAndUnknownEndpoint_AsMlflowAnswers()
    {
        var (endpoint, expected) = await DeployAsync("credit_pipeline", null);
        var client = Server.CreateAdminClient();
        var body = new JsonObject
        {
            ["dataframe_records"] = new JsonArray(expected.Records.Take(2).Select(r => (JsonNode)r.DeepClone()).ToArray()),
            ["params"] = new JsonObject { ["unknown"] = 1 },
        };
        using var withParams = await client.PostAsync($"/api/v1/endpoints/{endpoint}/invocations", JsonContent.Create(body));
        Assert.Equal(2, (await withParams.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("predictions").GetArrayLength());

        using var missing = await client.PostAsync($"/api/v1/endpoints/ep-none-{Guid.NewGuid():N}/invocations", JsonContent.Create(body));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        var error = JsonDocument.Parse(await missing.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", error.GetProperty("error_code").GetString());
    }

    private async Task<(string Endpoint, ServingTestKit.Expected Expected)> DeployAsync(string model, string? output)
    {
        var name = UniqueName("model");
        var version = await ServingTestKit.RegisterTestDataAsync(Server, name, model + ".onnx");
        var endpoint = UniqueName("ep");
        using var response = await Server.CreateAdminClient().PutAsJsonAsync($"/api/v1/endpoints/{endpoint}",
            new { routes = new[] { new { model = name, version } }, invocationsOutput = output });
        var view = await response.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(output ?? "predict", view.GetProperty("invocationsOutput").GetString());
        return (endpoint, ServingTestKit.ReadExpected(model + ".expected.json"));
    }

    private async Task SetAsync(string endpoint, string output)
    {
        using var response = await Server.CreateAdminClient().PutAsJsonAsync($"/api/v1/endpoints/{endpoint}/invocations-output", new { invocationsOutput = output });
        Assert.Equal(output, (await response.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("invocationsOutput").GetString());
        await Server.Services.GetRequiredService<PolicyCache>().RefreshAsync(endpoint);
    }

    private async Task<List<JsonElement>> InvokeAsync(string endpoint, ServingTestKit.Expected expected)
    {
        var body = new JsonObject { ["dataframe_records"] = new JsonArray(expected.Records.Select(r => (JsonNode)r.DeepClone()).ToArray()) };
        using var response = await Server.CreateAdminClient().PostAsync($"/api/v1/endpoints/{endpoint}/invocations", JsonContent.Create(body));
        return (await response.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("predictions").EnumerateArray().ToList();
    }
}

/// <summary>On SQLite.</summary>
public sealed class SqliteInvocationsOutputTests(SqliteServerFixture fixture) : InvocationsOutputTests<SqliteServerFixture>(fixture);

/// <summary>On PostgreSQL.</summary>
public sealed class PostgresInvocationsOutputTests(PostgresServerFixture fixture) : InvocationsOutputTests<PostgresServerFixture>(fixture);
