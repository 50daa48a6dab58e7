using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Testing;
using Xunit;

namespace Ferry.Server.Tests.Serving;

/// <summary>The Open Inference Protocol v2 on real models.</summary>
public sealed class OipApiTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    private FerryTestServer Server => fixture.Server;

    [SkippableFact]
    public async Task Health_ServerMetadata_Answer200()
    {
        var client = Server.CreateAdminClient();
        Assert.True((await client.GetFromJsonAsync<JsonElement>("/v2/health/live")).GetProperty("live").GetBoolean());
        Assert.True((await client.GetFromJsonAsync<JsonElement>("/v2/health/ready")).GetProperty("ready").GetBoolean());
        var metadata = await client.GetFromJsonAsync<JsonElement>("/v2");
        Assert.Equal("ferry", metadata.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Array, metadata.GetProperty("extensions").ValueKind);
    }

    [SkippableFact]
    public async Task Infer_SingleTensorModel_EqualsProducingLibrary_FlatAndNested()
    {
        var endpoint = await ServingTestKit.DeployModelAsync(Server, "credit_gbm.onnx");
        var expected = ServingTestKit.ReadExpected("credit_gbm.expected.json");
        var client = Server.CreateAdminClient();
        var metadata = await client.GetFromJsonAsync<JsonElement>($"/v2/models/{endpoint}");
        var input = metadata.GetProperty("inputs")[0];
        Assert.Equal("FP32", input.GetProperty("datatype").GetString());
        var columns = expected.Features.Select(f => f.Key).ToList();
        var nested = new JsonArray(expected.Records.Select(r => (JsonNode)new JsonArray(columns.Select(c => r[c]!.DeepClone()).ToArray())).ToArray());
        var flat = new JsonArray(expected.Records.SelectMany(r => columns.Select(c => r[c]!.DeepClone())).ToArray());

        foreach (var data in new[] { nested, flat })
        {
            var body = new JsonObject
            {
                ["id"] = "req-1",
                ["inputs"] = new JsonArray(new JsonObject
                {
                    ["name"] = input.GetProperty("name").GetString(),
                    ["shape"] = new JsonArray(expected.Records.Count, columns.Count),
                    ["datatype"] = "FP32",
                    ["data"] = data,
                }),
            };
            using var response = await client.PostAsync($"/v2/models/{endpoint}/infer", JsonContent.Create(body));
            var answer = await response.AssertJsonAsync(HttpStatusCode.OK);

            Assert.Equal("req-1", answer.GetProperty("id").GetString());
            Assert.Equal(endpoint, answer.GetProperty("model_name").GetString());
            AssertProbabilities(expected, answer);
        }
    }

    [SkippableFact]
    public async Task Infer_OneInputPerColumn_EqualsProducingLibrary_AndVersionPathWorks()
    {
        var endpoint = await ServingTestKit.DeployModelAsync(Server, "credit_pipeline.onnx");
        var expected = ServingTestKit.ReadExpected("credit_pipeline.expected.json");
        var rows = expected.Records.Count;
        var inputs = new JsonArray(
            Column("age", "FP64", expected), Column("income", "FP64", expected), Column("open_accounts", "INT64", expected), Column("purpose", "BYTES", expected));
        var body = new JsonObject { ["inputs"] = inputs, ["parameters"] = new JsonObject { ["content_type"] = "pd" } };

        using var response = await Server.CreateAdminClient().PostAsync($"/v2/models/{endpoint}/versions/1/infer", JsonContent.Create(body));
        var answer = await response.AssertJsonAsync(HttpStatusCode.OK);

        Assert.Equal("1", answer.GetProperty("model_version").GetString());
        var label = answer.GetProperty("outputs").EnumerateArray().First(o => o.GetProperty("datatype").GetString() == "BYTES");
        Assert.Equal(expected.Labels, label.GetProperty("data").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal(rows, label.GetProperty("shape")[0].GetInt32());
        AssertProbabilities(expected, answer);
    }

    [SkippableFact]
    public async Task Errors_AreOipShaped()
    {
        var endpoint = await ServingTestKit.DeployModelAsync(Server, "credit_pipeline.onnx");
        var client = Server.CreateAdminClient();
        await AssertOipErrorAsync(await client.GetAsync("/v2/models/no-such-model"), HttpStatusCode.NotFound);
        await AssertOipErrorAsync(await client.GetAsync($"/v2/models/{endpoint}/versions/99"), HttpStatusCode.NotFound);
        await AssertOipErrorAsync(await client.PostAsync("/v2/models/no-such-model/infer", JsonContent.Create(new { inputs = Array.Empty<object>() })), HttpStatusCode.BadRequest);
        foreach (var body in new[]
        {
            "{bad json",
            "{}",
            "{\"inputs\":[{\"name\":\"age\",\"shape\":[2],\"datatype\":\"FP99\",\"data\":[1,2]}]}",
            "{\"inputs\":[{\"name\":\"age\",\"shape\":[3],\"datatype\":\"FP64\",\"data\":[1,2]}]}",
            "{\"inputs\":[{\"name\":\"nope\",\"shape\":[1],\"datatype\":\"FP64\",\"data\":[1]}]}",
            "{\"inputs\":[{\"name\":\"age\",\"shape\":[1],\"datatype\":\"FP64\",\"data\":[\"x\"]}]}",
        })
        {
            var error = await AssertOipErrorAsync(
                await client.PostAsync($"/v2/models/{endpoint}/infer", new StringContent(body, System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
            Assert.False(string.IsNullOrWhiteSpace(error));
        }

        var ready = await client.GetFromJsonAsync<JsonElement>($"/v2/models/{endpoint}/ready");
        Assert.True(ready.GetProperty("ready").GetBoolean());
        await AssertOipErrorAsync(await client.GetAsync("/v2/models/no-such-model/ready"), HttpStatusCode.NotFound);
    }

    private static async Task<string> AssertOipErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        using (response)
        {
            var body = await response.AssertJsonAsync(status);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            return body.GetProperty("error").GetString()!;
        }
    }

    private static JsonObject Column(string name, string datatype, ServingTestKit.Expected expected) => new()
    {
        ["name"] = name,
        ["shape"] = new JsonArray(expected.Records.Count, 1),
        ["datatype"] = datatype,
        ["data"] = expected.Features[name]!.DeepClone(),
    };

    private static void AssertProbabilities(ServingTestKit.Expected expected, JsonElement answer)
    {
        var probabilities = answer.GetProperty("outputs").EnumerateArray()
            .First(o => o.GetProperty("datatype").GetString() is "FP32" or "FP64" && o.GetProperty("shape").GetArrayLength() == 2 && o.GetProperty("shape")[1].GetInt32() == expected.Classes.Length);
        var data = probabilities.GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (var i = 0; i < expected.Records.Count; i++)
        {
            for (var c = 0; c < expected.Classes.Length; c++)
            {
                Assert.Equal(expected.Probabilities[i][c], data[(i * expected.Classes.Length) + c], ServingTestKit.Tolerance);
            }
        }
    }
}
