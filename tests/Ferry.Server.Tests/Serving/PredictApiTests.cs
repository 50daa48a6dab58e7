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

/// <summary>Registers real models through the MLflow registry routes, deploys them and reads their expected outputs.</summary>
internal static class ServingTestKit
{
    public const double Tolerance = 1e-5;

    public static string TestData(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Join(dir.FullName, "tests", "testdata", file);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"tests/testdata/{file} not found above {AppContext.BaseDirectory}");
    }

    /// <summary>Registers a model file as a new version of <paramref name="model"/> (created when new) and returns the version.</summary>
    public static async Task<int> RegisterAsync(FerryTestServer server, string model, byte[] file, string fileName)
    {
        var admin = server.CreateAdminClient();
        using (var created = await SendAsync(admin, HttpMethod.Post, "registered-models/create", new { name = model }))
        {
            // 400 when it exists already: fine.
        }

        var path = $"serving-tests/{Guid.NewGuid():N}/{fileName}";
        await SeedArtifactAsync(server, path, file);
        var version = await CreateVersionAsync(admin, model, $"mlflow-artifacts:/{path}");
        return int.Parse(version.GetProperty("version").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static Task<int> RegisterTestDataAsync(FerryTestServer server, string model, string file) =>
        RegisterAsync(server, model, File.ReadAllBytes(TestData(file)), file);

    /// <summary>Deploys through <c>PUT /api/v1/endpoints/{name}</c> and applies it at once in this process.</summary>
    public static async Task DeployAsync(FerryTestServer server, string endpoint, params object[] routes)
    {
        var admin = server.CreateAdminClient();
        using var response = await admin.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}", new { routes, force = true });
        await response.AssertJsonAsync(HttpStatusCode.OK);
        await server.Services.GetRequiredService<PolicyCache>().RefreshAsync(endpoint);
    }

    public static async Task<string> DeployModelAsync(FerryTestServer server, string file)
    {
        var model = UniqueName("model");
        var version = await RegisterTestDataAsync(server, model, file);
        var endpoint = UniqueName("ep");
        await DeployAsync(server, endpoint, new { model, version, weight = 100 });
        return endpoint;
    }

    /// <summary>The expected file's features as records, labels, classes and probabilities.</summary>
    public static Expected ReadExpected(string file)
    {
        var root = JsonNode.Parse(File.ReadAllText(TestData(file)))!.AsObject();
        var features = root["features"]!.AsObject();
        var rows = features.First().Value!.AsArray().Count;
        var records = new List<JsonObject>();
        for (var i = 0; i < rows; i++)
        {
            var record = new JsonObject();
            foreach (var (name, column) in features)
            {
                record[name] = column![i]!.DeepClone();
            }

            records.Add(record);
        }

        var classes = root["classes"]!.AsArray().Select(c => c!.GetValue<string>()).ToArray();
        var labels = root["labels"]!.AsArray().Select(c => c!.GetValue<string>()).ToArray();
        var probabilities = root["probabilities"]!.AsArray().Select(r => r!.AsArray().Select(p => p!.GetValue<double>()).ToArray()).ToArray();
        return new Expected(features, records, classes, labels, probabilities);
    }

    public static async Task<JsonElement> PredictAsync(HttpClient client, string endpoint, IEnumerable<JsonObject> records, HttpStatusCode status = HttpStatusCode.OK)
    {
        var body = new JsonObject { ["records"] = new JsonArray(records.Select(r => (JsonNode)r.DeepClone()).ToArray()) };
        using var response = await client.PostAsync($"/api/v1/endpoints/{endpoint}/predict", JsonContent.Create(body));
        return status == HttpStatusCode.OK ? await response.AssertJsonAsync(status) : await response.AssertProblemAsync(status);
    }

    /// <summary>Posts records to the predict route and returns the response as it is.</summary>
    public static Task<HttpResponseMessage> PredictRawAsync(HttpClient client, string endpoint, IEnumerable<JsonObject> records)
    {
        var body = new JsonObject { ["records"] = new JsonArray(records.Select(r => (JsonNode)r.DeepClone()).ToArray()) };
        return client.PostAsync($"/api/v1/endpoints/{endpoint}/predict", JsonContent.Create(body));
    }

    public sealed record Expected(JsonObject Features, List<JsonObject> Records, string[] Classes, string[] Labels, double[][] Probabilities);
}

/// <summary><c>POST /api/v1/endpoints/{name}/predict</c> on real models, on SQLite and PostgreSQL.</summary>
public abstract class PredictApiTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    protected FerryTestServer Server => fixture.Server;

    [SkippableTheory]
    [InlineData("credit_gbm")]
    [InlineData("credit_pipeline")]
    [InlineData("credit_mlp")]
    public async Task Predict_RealOnnxModel_EqualsProducingLibraryAndIsLogged(string model)
    {
        var endpoint = await ServingTestKit.DeployModelAsync(Server, model + ".onnx");
        var expected = ServingTestKit.ReadExpected(model + ".expected.json");

        var answer = await ServingTestKit.PredictAsync(Server.CreateAdminClient(), endpoint, expected.Records);

        var predictions = answer.GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(expected.Records.Count, predictions.Count);
        for (var i = 0; i < predictions.Count; i++)
        {
            Assert.Equal(expected.Labels[i], predictions[i].GetProperty("label").GetString());
            Assert.Equal(7, Guid.Parse(predictions[i].GetProperty("id").GetString()!).Version);
            for (var c = 0; c < expected.Classes.Length; c++)
            {
                Assert.Equal(expected.Probabilities[i][c], predictions[i].GetProperty("probabilities").GetProperty(expected.Classes[c]).GetDouble(), ServingTestKit.Tolerance);
            }
        }

        var ids = predictions.Select(p => Guid.Parse(p.GetProperty("id").GetString()!)).ToList();
        var logged = await WaitForLoggedAsync(ids);
        Assert.All(logged, row => Assert.Contains("\"age\"", row.InputsJson, StringComparison.Ordinal));
        Assert.All(logged, row => Assert.Contains("\"label\"", row.OutputsJson, StringComparison.Ordinal));

        // Each logged row holds its own request row's values (the rows of one request are logged together).
        var byId = logged.ToDictionary(r => r.Id);
        for (var i = 0; i < ids.Count; i++)
        {
            var inputs = JsonNode.Parse(byId[ids[i]].InputsJson)!.AsObject();
            var compared = 0;
            foreach (var (name, sent) in expected.Records[i])
            {
                if (sent is null || !inputs.TryGetPropertyValue(name, out var stored) || stored is null)
                {
                    continue;
                }

                switch (sent.GetValueKind())
                {
                    case JsonValueKind.Number:
                        var value = sent.GetValue<double>();
                        Assert.Equal(value, stored.GetValue<double>(), Math.Max(1e-9, Math.Abs(value) * 1e-6));
                        compared++;
                        break;
                    case JsonValueKind.String:
                        Assert.Equal(sent.GetValue<string>(), stored.GetValue<string>());
                        compared++;
                        break;
                }
            }

            Assert.True(compared > 0, $"row {i}: no logged input to compare in {inputs.ToJsonString()}");
        }
    }

    [SkippableFact]
    public async Task UnknownEndpoint_Is404Problem()
    {
        await ServingTestKit.PredictAsync(Server.CreateAdminClient(), "no-such-endpoint", [new JsonObject { ["age"] = 1 }], HttpStatusCode.NotFound);
    }

    protected async Task<List<Core.Serving.PredictionRecord>> WaitForLoggedAsync(List<Guid> ids)
    {
        // The answers were acknowledged, so their records are queued: wait for the log to write them (a signal, bounded).
        await Server.WaitForPredictionLogAsync();
        await using var db = Server.Database.CreateContext();
        var rows = db.Predictions.Where(p => ids.Contains(p.Id)).ToList();
        Assert.Equal(ids.Order(), rows.Select(r => r.Id).Order());
        return rows;
    }
}

/// <summary>On SQLite, plus validation, ML.NET and error cases.</summary>
public sealed class SqlitePredictApiTests(SqliteServerFixture fixture) : PredictApiTests<SqliteServerFixture>(fixture)
{
    [SkippableFact]
    public async Task Predict_MLNetModel_EqualsPredictionEngine()
    {
        var (bytes, rows, expected) = MLNetTestModel.Train();
        var model = UniqueName("mlnet");
        var version = await ServingTestKit.RegisterAsync(Server, model, bytes, "model.zip");
        var endpoint = UniqueName("ep");
        await ServingTestKit.DeployAsync(Server, endpoint, new { model, version, weight = 100 });

        var answer = await ServingTestKit.PredictAsync(Server.CreateAdminClient(), endpoint, rows);

        var predictions = answer.GetProperty("predictions").EnumerateArray().ToList();
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(expected[i].PredictedLabel ? "true" : "false", predictions[i].GetProperty("label").GetString());
            Assert.Equal(expected[i].Probability, predictions[i].GetProperty("score").GetDouble(), ServingTestKit.Tolerance);
        }
    }

    [SkippableFact]
    public async Task InvalidRecords_Are400NamingEveryFieldAndWhy()
    {
        var endpoint = await ServingTestKit.DeployModelAsync(Server, "credit_pipeline.onnx");
        var good = ServingTestKit.ReadExpected("credit_pipeline.expected.json").Records[0];
        var missing = (JsonObject)good.DeepClone();
        missing.Remove("income");
        var extra = (JsonObject)good.DeepClone();
        extra["colour"] = "red";
        var text = (JsonObject)good.DeepClone();
        text["age"] = "forty";
        var fraction = (JsonObject)good.DeepClone();
        fraction["open_accounts"] = 2.5;
        var nan = (JsonObject)good.DeepClone();
        nan["income"] = "NaN";
        var nul = (JsonObject)good.DeepClone();
        nul["purpose"] = null;
        var number = (JsonObject)good.DeepClone();
        number["purpose"] = 3;

        var problem = await ServingTestKit.PredictAsync(Server.CreateAdminClient(), endpoint, [good, missing, extra, text, fraction, nan, nul, number], HttpStatusCode.BadRequest);

        var errors = problem.GetProperty("errors");
        Assert.Contains("required", errors.GetProperty("records[1].income")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("not a feature", errors.GetProperty("records[2].colour")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("must be a number", errors.GetProperty("records[3].age")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("whole number", errors.GetProperty("records[4].open_accounts")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("NaN", errors.GetProperty("records[5].income")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("must be a string", errors.GetProperty("records[6].purpose")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("must be a string", errors.GetProperty("records[7].purpose")[0].GetString(), StringComparison.Ordinal);
        Assert.False(errors.TryGetProperty("records[0].age", out _));
    }

    [SkippableFact]
    public async Task MalformedBodies_Are400_NeverA500()
    {
        var endpoint = await ServingTestKit.DeployModelAsync(Server, "credit_gbm.onnx");
        var client = Server.CreateAdminClient();
        foreach (var body in new[] { "{not json", "[]", "{}", "{\"records\": 5}", "{\"records\": []}", "{\"records\": [1, null]}" })
        {
            using var response = await client.PostAsync($"/api/v1/endpoints/{endpoint}/predict", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        }
    }

    [SkippableFact]
    public async Task ManyErrors_AreCappedAt50()
    {
        var endpoint = await ServingTestKit.DeployModelAsync(Server, "credit_gbm.onnx");
        var records = Enumerable.Range(0, 100).Select(_ => new JsonObject { ["bogus"] = 1 }).ToList();

        var problem = await ServingTestKit.PredictAsync(Server.CreateAdminClient(), endpoint, records, HttpStatusCode.BadRequest);

        var errors = problem.GetProperty("errors").EnumerateObject().ToList();
        Assert.True(errors.Count <= RecordValidator.MaxErrors + 1);
        Assert.Contains(errors, e => e.Name == "$");
    }
}

public sealed class PostgresPredictApiTests(PostgresServerFixture fixture) : PredictApiTests<PostgresServerFixture>(fixture);
