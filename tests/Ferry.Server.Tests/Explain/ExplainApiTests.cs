using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Core.Identity;
using Ferry.Server.Serving;
using Ferry.Server.Tests.Serving;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static Ferry.Server.Tests.Mlflow.Registry.RegistryTestKit;

namespace Ferry.Server.Tests.Explain;

/// <summary>Explanations, importance, fairness and model cards over HTTP on real models, on SQLite and PostgreSQL.</summary>
public abstract class ExplainApiTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private FerryTestServer Server => fixture.Server;

    [SkippableTheory]
    [InlineData("credit_gbm", "tree-path-dependent", "log-odds")]
    [InlineData("credit_pipeline", "kernel-shap", "probability")]
    [InlineData("credit_mlp", "kernel-shap", "probability")]
    public async Task Explanations_AddUpToTheOutput_AndTheOutputIsTheModelsScore(string file, string? method, string? space)
    {
        var (model, version, endpoint, expected) = await DeployWithReferenceAsync(file);
        var admin = Server.CreateAdminClient();
        var records = expected.Records.Take(6).ToList();

        var answer = await ExplainAsync(admin, endpoint, records);
        var predictions = (await ServingTestKit.PredictAsync(admin, endpoint, records)).GetProperty("predictions").EnumerateArray().ToList();

        var explanations = answer.GetProperty("explanations").EnumerateArray().ToList();
        Assert.Equal(records.Count, explanations.Count);
        for (var i = 0; i < explanations.Count; i++)
        {
            var e = explanations[i];
            Assert.Equal(model, e.GetProperty("model").GetString());
            Assert.Equal(version, e.GetProperty("version").GetInt32());
            if (method is not null)
            {
                Assert.Equal(method, e.GetProperty("method").GetString());
                Assert.Equal(space, e.GetProperty("space").GetString());
            }

            var sum = e.GetProperty("baseValue").GetDouble() + e.GetProperty("attributions").EnumerateArray().Sum(a => a.GetProperty("contribution").GetDouble());
            Assert.Equal(e.GetProperty("output").GetDouble(), sum, 6);
            Assert.Equal(expected.Features.Select(f => f.Key).Order(StringComparer.Ordinal),
                e.GetProperty("attributions").EnumerateArray().Select(a => a.GetProperty("feature").GetString()!).Order(StringComparer.Ordinal));
            var score = predictions[i].GetProperty("score").GetDouble();
            var output = e.GetProperty("output").GetDouble();
            var asProbability = e.GetProperty("space").GetString() == "log-odds" ? 1 / (1 + Math.Exp(-output)) : output;
            Assert.Equal(score, asProbability, 4);
        }
    }

    [SkippableFact]
    public async Task TreeModels_CanBeExplainedInterventionally_AndTheAnswerSaysSo()
    {
        var (_, _, endpoint, expected) = await DeployWithReferenceAsync("credit_gbm");
        var admin = Server.CreateAdminClient();
        var body = JsonContent.Create(new JsonObject { ["records"] = new JsonArray(expected.Records[3].DeepClone()) });

        using var response = await admin.PostAsync($"/api/v1/endpoints/{endpoint}/explain?method=interventional", body);
        var interventional = (await response.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("explanations")[0];
        var pathDependent = (await ExplainAsync(admin, endpoint, [expected.Records[3]])).GetProperty("explanations")[0];

        Assert.Equal("tree-interventional", interventional.GetProperty("method").GetString());
        Assert.Contains("interventional", interventional.GetProperty("note").GetString(), StringComparison.Ordinal);
        var sum = interventional.GetProperty("baseValue").GetDouble() + interventional.GetProperty("attributions").EnumerateArray().Sum(a => a.GetProperty("contribution").GetDouble());
        Assert.Equal(interventional.GetProperty("output").GetDouble(), sum, 6);
        // Both explain the same output; they split it differently.
        Assert.Equal(pathDependent.GetProperty("output").GetDouble(), interventional.GetProperty("output").GetDouble(), 9);
        using var bad = await admin.PostAsync($"/api/v1/endpoints/{endpoint}/explain?method=magic", JsonContent.Create(new JsonObject { ["records"] = new JsonArray(expected.Records[3].DeepClone()) }));
        Assert.True((await bad.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("method", out _));
    }

    [SkippableFact]
    public async Task KernelShap_WithFewerSamplesThanCoalitions_ReportsItsErrors_AndStillAddsUp()
    {
        var (_, _, endpoint, expected) = await DeployWithReferenceAsync("credit_mlp");
        var admin = Server.CreateAdminClient();
        var body = JsonContent.Create(new JsonObject { ["records"] = new JsonArray(expected.Records[2].DeepClone()) });

        // 8 features: 254 coalitions. The default 1,024 samples enumerate them all (exact, no error); 64 sample them.
        using var response = await admin.PostAsync($"/api/v1/endpoints/{endpoint}/explain?samples=64", body);
        var sampled = (await response.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("explanations")[0];
        var exact = (await ExplainAsync(admin, endpoint, [expected.Records[2]])).GetProperty("explanations")[0];

        Assert.Contains("64 coalition samples", sampled.GetProperty("note").GetString(), StringComparison.Ordinal);
        var errors = sampled.GetProperty("attributions").EnumerateArray().Select(a => a.GetProperty("standardError").GetDouble()).ToList();
        Assert.Contains(errors, e => e > 0);
        Assert.All(exact.GetProperty("attributions").EnumerateArray(), a => Assert.Equal(0, a.GetProperty("standardError").GetDouble()));
        var sum = sampled.GetProperty("baseValue").GetDouble() + sampled.GetProperty("attributions").EnumerateArray().Sum(a => a.GetProperty("contribution").GetDouble());
        Assert.Equal(sampled.GetProperty("output").GetDouble(), sum, 6);
        // Every sampled attribution lies within 4 of its standard errors (plus float noise) of the exact value.
        var exactByFeature = exact.GetProperty("attributions").EnumerateArray().ToDictionary(a => a.GetProperty("feature").GetString()!, a => a.GetProperty("contribution").GetDouble());
        foreach (var a in sampled.GetProperty("attributions").EnumerateArray())
        {
            var difference = Math.Abs(a.GetProperty("contribution").GetDouble() - exactByFeature[a.GetProperty("feature").GetString()!]);
            Assert.True(difference <= (4 * a.GetProperty("standardError").GetDouble()) + 1e-6, $"{a.GetProperty("feature")}: off by {difference}");
        }

        using var bad = await admin.PostAsync($"/api/v1/endpoints/{endpoint}/explain?samples=3", JsonContent.Create(new JsonObject { ["records"] = new JsonArray(expected.Records[2].DeepClone()) }));
        Assert.True((await bad.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("samples", out _));
    }

    [SkippableFact]
    public async Task LoggedPrediction_IsExplainedById_AndPredictCanCarryExplanations()
    {
        var (_, _, endpoint, expected) = await DeployWithReferenceAsync("credit_gbm");
        var admin = Server.CreateAdminClient();
        using var response = await admin.PostAsync($"/api/v1/endpoints/{endpoint}/predict?explain=true",
            JsonContent.Create(new JsonObject { ["records"] = new JsonArray(expected.Records[0].DeepClone(), expected.Records[1].DeepClone()) }));
        var predictions = (await response.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("predictions").EnumerateArray().ToList();
        var inline = predictions[0].GetProperty("explanation");
        var id = predictions[0].GetProperty("id").GetString()!;
        Assert.Equal(id, inline.GetProperty("predictionId").GetString());

        // Asked at once: the server waits for its prediction log to write the row.
        var logged = await (await admin.GetAsync($"/api/v1/endpoints/{endpoint}/predictions/{id}/explanation")).AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal(inline.GetProperty("output").GetDouble(), logged.GetProperty("output").GetDouble(), 9);
        Assert.Equal(inline.GetProperty("baseValue").GetDouble(), logged.GetProperty("baseValue").GetDouble(), 9);

        // predict honours the explanation settings of /explain, and refuses bad ones before serving anything.
        var row = new JsonObject { ["records"] = new JsonArray(expected.Records[0].DeepClone()) };
        using var tuned = await admin.PostAsync($"/api/v1/endpoints/{endpoint}/predict?explain=true&reasons=2&outcome=risk&method=interventional", JsonContent.Create(row));
        var tunedExplanation = (await tuned.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("predictions")[0].GetProperty("explanation");
        using var direct = await admin.PostAsync($"/api/v1/endpoints/{endpoint}/explain?reasons=2&outcome=risk&method=interventional", JsonContent.Create(row));
        var directExplanation = (await direct.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("explanations")[0];
        Assert.Equal(directExplanation.GetProperty("method").GetString(), tunedExplanation.GetProperty("method").GetString());
        Assert.Equal(2, tunedExplanation.GetProperty("reasonCodes").GetArrayLength());
        Assert.Equal(
            directExplanation.GetProperty("reasonCodes").EnumerateArray().Select(r => r.GetProperty("sentence").GetString()),
            tunedExplanation.GetProperty("reasonCodes").EnumerateArray().Select(r => r.GetProperty("sentence").GetString()));
        Assert.NotEqual(inline.GetProperty("method").GetString(), tunedExplanation.GetProperty("method").GetString());
        foreach (var bad in new[] { "reasons=99", "reasons=two", "method=magic", "samples=3" })
        {
            using var refused = await admin.PostAsync($"/api/v1/endpoints/{endpoint}/predict?explain=true&{bad}", JsonContent.Create(row));
            var field = bad[..bad.IndexOf('=', StringComparison.Ordinal)];
            Assert.True((await refused.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty(field, out _), bad);
        }

        var viewer = Server.CreateClient(await Server.CreateTokenAsync(Role.Viewer));
        using var unknown = await viewer.GetAsync($"/api/v1/endpoints/{endpoint}/predictions/{Guid.CreateVersion7()}/explanation");
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PredictWithExplanations_AcquiresTheModelOnce_AsAPlainPredict_AndEqualsExplain(bool adaptiveBatching)
    {
        var (model, version, endpoint, expected) = await DeployWithReferenceAsync("credit_gbm");
        var admin = Server.CreateAdminClient();
        if (adaptiveBatching)
        {
            // 2-row requests under a 32-row batch: scored by the batcher, which is handed the request's model lease.
            using var batching = await admin.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}/batching", new { maxBatchSize = 32, maxDelayMicros = 2000 });
            await batching.AssertJsonAsync(HttpStatusCode.OK);
        }

        var cache = Server.Services.GetRequiredService<ModelCache>();
        var body = new JsonObject { ["records"] = new JsonArray(expected.Records[4].DeepClone(), expected.Records[5].DeepClone()) };
        async Task<JsonElement> ExplainedAsync()
        {
            using var response = await admin.PostAsync($"/api/v1/endpoints/{endpoint}/predict?explain=true", JsonContent.Create(body));
            return await response.AssertJsonAsync(HttpStatusCode.OK);
        }

        await ExplainedAsync(); // loads the model and builds its explainer
        var (start, _) = cache.Usage(model, version);
        await ServingTestKit.PredictAsync(admin, endpoint, [expected.Records[4], expected.Records[5]]);
        var (afterPlain, _) = cache.Usage(model, version);
        var explained = await ExplainedAsync();
        var (afterExplained, _) = cache.Usage(model, version);

        Assert.Equal(1, afterPlain - start);
        Assert.Equal(afterPlain - start, afterExplained - afterPlain);
        // Every hold is released once the rows are scored and explained (the batcher's own just after it answers).
        // A bounded wait for a condition, not a sleep: it returns as soon as the holds are gone.
        Assert.True(SpinWait.SpinUntil(() => cache.Usage(model, version).Held == 0, TimeSpan.FromSeconds(10)), "a model hold was never released");

        var direct = (await ExplainAsync(admin, endpoint, [expected.Records[4], expected.Records[5]])).GetProperty("explanations").EnumerateArray().ToList();
        var predictions = explained.GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(direct.Count, predictions.Count);
        for (var i = 0; i < direct.Count; i++)
        {
            var inline = predictions[i].GetProperty("explanation");
            Assert.Equal(predictions[i].GetProperty("id").GetString(), inline.GetProperty("predictionId").GetString());
            foreach (var property in new[] { "model", "version", "method", "space", "baseValue", "output", "attributions", "reasonCodes" })
            {
                Assert.Equal(direct[i].GetProperty(property).GetRawText(), inline.GetProperty(property).GetRawText());
            }
        }
    }

    [SkippableFact]
    public async Task WithoutReference_ExplainSaysHowToGetOne_AndPredictStillAnswers()
    {
        var model = UniqueName("model");
        var version = await ServingTestKit.RegisterTestDataAsync(Server, model, "credit_gbm.onnx");
        var endpoint = UniqueName("ep");
        await ServingTestKit.DeployAsync(Server, endpoint, new { model, version, weight = 100 });
        var records = ServingTestKit.ReadExpected("credit_gbm.expected.json").Records.Take(1).ToList();
        var admin = Server.CreateAdminClient();

        using var explain = await admin.PostAsync($"/api/v1/endpoints/{endpoint}/explain", JsonContent.Create(new JsonObject { ["records"] = new JsonArray(records[0].DeepClone()) }));
        var problem = await explain.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("ferry models reference", problem.GetProperty("errors").GetProperty("reference")[0].GetString(), StringComparison.Ordinal);

        using var predict = await admin.PostAsync($"/api/v1/endpoints/{endpoint}/predict?explain=true", JsonContent.Create(new JsonObject { ["records"] = new JsonArray(records[0].DeepClone()) }));
        var prediction = (await predict.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("predictions")[0];
        Assert.True(prediction.TryGetProperty("score", out _));
        Assert.Contains("reference", prediction.GetProperty("explanationError").GetString(), StringComparison.Ordinal);
        using var bad = await admin.PostAsync($"/api/v1/endpoints/{endpoint}/explain?reasons=99", JsonContent.Create(new JsonObject { ["records"] = new JsonArray(records[0].DeepClone()) }));
        Assert.True((await bad.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("reasons", out _));
    }

    [SkippableFact]
    public async Task Insights_Fairness_AndTheCard_AreFilledFromTheLabelledReference()
    {
        var (model, version, _, expected) = await DeployWithReferenceAsync("credit_pipeline");
        var viewer = Server.CreateClient(await Server.CreateTokenAsync(Role.Viewer));

        var insights = await (await viewer.GetAsync($"/api/v1/models/{model}/versions/{version}/insights")).AssertJsonAsync(HttpStatusCode.OK);
        var importance = insights.GetProperty("meanAbsoluteShap").EnumerateArray().ToList();
        Assert.Equal(expected.Features.Count, importance.Count);
        Assert.All(importance, f => Assert.True(f.GetProperty("importance").GetDouble() >= 0));
        Assert.Equal(expected.Features.Count, insights.GetProperty("permutation").GetProperty("features").GetArrayLength());

        var fairness = await (await viewer.GetAsync($"/api/v1/models/{model}/versions/{version}/fairness?attribute=purpose")).AssertJsonAsync(HttpStatusCode.OK);
        var slices = fairness.GetProperty("report").GetProperty("slices").EnumerateArray().ToList();
        Assert.Equal(expected.Records.Select(r => r["purpose"]!.GetValue<string>()).Distinct().Count(), slices.Count);
        Assert.Equal(expected.Records.Count, slices.Sum(s => s.GetProperty("count").GetInt32()));
        var rates = slices.Select(s => s.GetProperty("selectionRate").GetDouble()).ToList();
        Assert.Equal(rates.Max() - rates.Min(), fairness.GetProperty("report").GetProperty("demographicParityDifference").GetDouble(), 12);
        using var noAttribute = await viewer.GetAsync($"/api/v1/models/{model}/versions/{version}/fairness?attribute=shoe_size");
        await noAttribute.AssertProblemAsync(HttpStatusCode.BadRequest);

        using var forbidden = await viewer.PutAsJsonAsync($"/api/v1/models/{model}/versions/{version}/card", new { owner = "Risk team" });
        await forbidden.AssertProblemAsync(HttpStatusCode.Forbidden);
        var admin = Server.CreateAdminClient();
        using var set = await admin.PutAsJsonAsync($"/api/v1/models/{model}/versions/{version}/card",
            new { owner = "Credit risk team", intendedUse = "Pre-screening of consumer loans", fairnessAttribute = "purpose" });
        var card = await set.AssertJsonAsync(HttpStatusCode.OK);
        var markdown = card.GetProperty("markdown").GetString()!;
        Assert.Contains("Credit risk team", markdown, StringComparison.Ordinal);
        Assert.Contains(importance[0].GetProperty("feature").GetString()!, markdown, StringComparison.Ordinal);
        Assert.Contains("purpose", markdown, StringComparison.Ordinal);

        using var html = await viewer.GetAsync($"/api/v1/models/{model}/versions/{version}/card?format=html");
        Assert.Equal(HttpStatusCode.OK, html.StatusCode);
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Credit risk team", await html.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var text = await viewer.GetAsync($"/api/v1/models/{model}/versions/{version}/card");
        Assert.Equal("text/markdown", text.Content.Headers.ContentType?.MediaType);
        using var missing = await viewer.GetAsync($"/api/v1/models/{model}/versions/999/card");
        await missing.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    private async Task<(string Model, int Version, string Endpoint, ServingTestKit.Expected Expected)> DeployWithReferenceAsync(string file)
    {
        var model = UniqueName("model");
        var version = await ServingTestKit.RegisterTestDataAsync(Server, model, file + ".onnx");
        var endpoint = UniqueName("ep");
        await ServingTestKit.DeployAsync(Server, endpoint, new { model, version, weight = 100 });
        var expected = ServingTestKit.ReadExpected(file + ".expected.json");
        var body = new JsonObject
        {
            ["records"] = new JsonArray([.. expected.Records.Select(r => (JsonNode)r.DeepClone())]),
            // The model's own labels with every fourth flipped: both classes, and a model that is not perfect.
            ["labels"] = new JsonArray([.. expected.Labels.Select((l, i) => (JsonNode)JsonValue.Create(i % 4 == 0 ? expected.Classes.First(c => c != l) : l)!)]),
        };
        await Server.CreateAdminClient().PutReferenceAsync(model, version, body);
        return (model, version, endpoint, expected);
    }

    private static async Task<JsonElement> ExplainAsync(HttpClient client, string endpoint, IEnumerable<JsonObject> records)
    {
        var body = new JsonObject { ["records"] = new JsonArray([.. records.Select(r => (JsonNode)r.DeepClone())]) };
        using var response = await client.PostAsync($"/api/v1/endpoints/{endpoint}/explain", JsonContent.Create(body));
        return await response.AssertJsonAsync(HttpStatusCode.OK);
    }
}

/// <summary>On SQLite.</summary>
public sealed class SqliteExplainApiTests(SqliteServerFixture fixture) : ExplainApiTests<SqliteServerFixture>(fixture);

/// <summary>On PostgreSQL.</summary>
public sealed class PostgresExplainApiTests(PostgresServerFixture fixture) : ExplainApiTests<PostgresServerFixture>(fixture);
