using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Ferry.Server.Tests.Serving;
using Ferry.Testing;
using Xunit;

namespace Ferry.Server.Tests.Fuzz;

/// <summary>Bodies and queries whose text cannot be decoded: a 400 naming the field, in the route's own error shape.</summary>
public sealed class BadBytesTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    /// <summary>Stands for the bad bytes inside a JSON string until <see cref="WithBytes"/> swaps them in.</summary>
    private const string Marker = "@@BAD@@";

    /// <summary>A truncated two-byte sequence and a byte UTF-8 never uses.</summary>
    private static readonly byte[] InvalidUtf8 = [0xC3, 0x28, 0xFF];

    private FerryTestServer Server => fixture.Server;

    [SkippableTheory]
    [InlineData("predict")]
    [InlineData("predict?explain=true")]
    [InlineData("explain")]
    public async Task RecordsRoutes_InvalidUtf8InTextFeature_Are400NamingTheFeature(string route)
    {
        var endpoint = await ServingTestKit.DeployModelAsync(Server, "credit_pipeline.onnx");
        var records = Records(badRow: 1);

        using var response = await PostAsync($"/api/v1/endpoints/{endpoint}/{route}", new JsonObject { ["records"] = records });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("UTF-8", problem.GetProperty("errors").GetProperty("records[1].purpose")[0].GetString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Invocations_InvalidUtf8InTextFeature_Is400NamingTheField()
    {
        var endpoint = await ServingTestKit.DeployModelAsync(Server, "credit_pipeline.onnx");

        using var response = await PostAsync($"/api/v1/endpoints/{endpoint}/invocations", new JsonObject { ["dataframe_records"] = Records(badRow: 0) });

        // MLflow's scoring error shape on this route.
        var error = await response.AssertJsonAsync(HttpStatusCode.BadRequest);
        Assert.Equal("BAD_REQUEST", error.GetProperty("error_code").GetString());
        Assert.Contains("dataframe_records[0].purpose", error.GetProperty("message").GetString()!, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task OipInfer_InvalidUtf8InBytesTensor_Is400NamingTheElement()
    {
        var endpoint = await ServingTestKit.DeployModelAsync(Server, "credit_pipeline.onnx");
        var expected = ServingTestKit.ReadExpected("credit_pipeline.expected.json");
        var inputs = new JsonArray();
        foreach (var (name, datatype) in new[] { ("age", "FP64"), ("income", "FP64"), ("open_accounts", "INT64"), ("purpose", "BYTES") })
        {
            var data = expected.Features[name]!.DeepClone().AsArray();
            if (name == "purpose")
            {
                data[1] = Marker;
            }

            inputs.Add(new JsonObject { ["name"] = name, ["shape"] = new JsonArray(data.Count, 1), ["datatype"] = datatype, ["data"] = data });
        }

        using var response = await PostAsync($"/v2/models/{endpoint}/infer", new JsonObject { ["inputs"] = inputs });

        var body = await response.AssertJsonAsync(HttpStatusCode.BadRequest);
        var error = body.GetProperty("error").GetString()!;
        Assert.Contains("inputs[3].data[1]", error, StringComparison.Ordinal);
        Assert.Contains("UTF-8", error, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Predict_LoneSurrogateEscape_Is400NamingTheFeature()
    {
        var endpoint = await ServingTestKit.DeployModelAsync(Server, "credit_pipeline.onnx");
        var json = new JsonObject { ["records"] = Records(badRow: 0) }.ToJsonString().Replace(Marker, "\\ud800", StringComparison.Ordinal);

        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await Server.CreateAdminClient().PostAsync($"/api/v1/endpoints/{endpoint}/predict", content);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("records[0].purpose", out _), problem.GetRawText());
    }

    [SkippableFact]
    public async Task MlflowBody_InvalidUtf8InTag_IsInvalidParameterValueNamingIt()
    {
        var body = new JsonObject { ["name"] = "utf8-" + Guid.NewGuid().ToString("N"), ["tags"] = new JsonArray(new JsonObject { ["key"] = "k", ["value"] = Marker }) };

        using var response = await PostAsync("/api/2.0/mlflow/experiments/create", body);

        var error = await response.AssertJsonAsync(HttpStatusCode.BadRequest);
        Assert.Equal("INVALID_PARAMETER_VALUE", error.GetProperty("error_code").GetString());
        Assert.Contains("tags[0].value", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Query_UndecodableEscape_Is400NamingTheParameter()
    {
        var client = Server.CreateAdminClient();

        using (var mlflow = await client.GetAsync("/api/2.0/mlflow/experiments/get-by-name?experiment_name=a%FFb"))
        {
            var error = await mlflow.AssertJsonAsync(HttpStatusCode.BadRequest);
            Assert.Equal("INVALID_PARAMETER_VALUE", error.GetProperty("error_code").GetString());
            Assert.Contains("experiment_name", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        using var ferry = await client.GetAsync("/api/v1/audit?actor=%C3%28");
        var problem = await ferry.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("actor", out _), problem.GetRawText());
    }

    [SkippableFact]
    public async Task FeedbackCsv_InvalidUtf8Cell_Is400NamingTheLine()
    {
        var endpoint = await ServingTestKit.DeployModelAsync(Server, "credit_pipeline.onnx");
        var csv = WithBytes($"prediction_id,label\n{Guid.CreateVersion7()},yes\n{Guid.CreateVersion7()},{Marker}\n");

        using var content = new ByteArrayContent(csv);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        using var response = await Server.CreateAdminClient().PostAsync($"/api/v1/endpoints/{endpoint}/feedback", content);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var error = problem.GetProperty("errors").GetProperty("line 3")[0].GetString()!;
        Assert.Contains("label", error, StringComparison.Ordinal);
        Assert.Contains("UTF-8", error, StringComparison.Ordinal);
    }

    private static JsonArray Records(int badRow)
    {
        var expected = ServingTestKit.ReadExpected("credit_pipeline.expected.json");
        var records = new JsonArray();
        for (var i = 0; i < 3; i++)
        {
            var record = (JsonObject)expected.Records[i].DeepClone();
            if (i == badRow)
            {
                record["purpose"] = Marker;
            }

            records.Add(record);
        }

        return records;
    }

    private async Task<HttpResponseMessage> PostAsync(string path, JsonNode body)
    {
        var content = new ByteArrayContent(WithBytes(body.ToJsonString()));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await Server.CreateAdminClient().PostAsync(path, content);
    }

    /// <summary>The text as UTF-8 with every <see cref="Marker"/> replaced by <see cref="InvalidUtf8"/>.</summary>
    internal static byte[] WithBytes(string text)
    {
        var parts = text.Split(Marker);
        var bytes = new List<byte>(Encoding.UTF8.GetBytes(parts[0]));
        foreach (var part in parts.Skip(1))
        {
            bytes.AddRange(InvalidUtf8);
            bytes.AddRange(Encoding.UTF8.GetBytes(part));
        }

        return [.. bytes];
    }
}
