using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Testing;
using Microsoft.ML;
using Xunit;

namespace Ferry.Server.Tests.Serving;

/// <summary>MLflow's scoring protocol on an endpoint: every body format answers the producing library's labels.</summary>
public sealed class InvocationsApiTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    private FerryTestServer Server => fixture.Server;

    [SkippableTheory]
    [InlineData("credit_gbm", "dataframe_split")]
    [InlineData("credit_gbm", "dataframe_records")]
    [InlineData("credit_pipeline", "dataframe_split")]
    [InlineData("credit_pipeline", "dataframe_records")]
    [InlineData("credit_pipeline", "instances")]
    [InlineData("credit_pipeline", "inputs")]
    [InlineData("credit_mlp", "instances_rows")]
    public async Task Invocations_EveryBodyFormat_AnswersTheLabels(string model, string format)
    {
        var endpoint = await ServingTestKit.DeployModelAsync(Server, model + ".onnx");
        var expected = ServingTestKit.ReadExpected(model + ".expected.json");
        var columns = expected.Features.Select(f => f.Key).ToList();
        JsonObject body = format switch
        {
            "dataframe_split" => new JsonObject
            {
                ["dataframe_split"] = new JsonObject
                {
                    ["columns"] = new JsonArray(columns.Select(c => (JsonNode)JsonValue.Create(c)!).ToArray()),
                    ["data"] = new JsonArray(expected.Records.Select(r => (JsonNode)new JsonArray(columns.Select(c => r[c]!.DeepClone()).ToArray())).ToArray()),
                },
            },
            "dataframe_records" => new JsonObject { ["dataframe_records"] = Records(expected) },
            "instances" => new JsonObject { ["instances"] = Records(expected) },
            "inputs" => new JsonObject { ["inputs"] = (JsonObject)expected.Features.DeepClone() },
            _ => new JsonObject
            {
                ["instances"] = new JsonArray(expected.Records.Select(r => (JsonNode)new JsonArray(columns.Select(c => r[c]!.DeepClone()).ToArray())).ToArray()),
            },
        };

        using var response = await Server.CreateAdminClient().PostAsync($"/api/v1/endpoints/{endpoint}/invocations", JsonContent.Create(body));
        var answer = await response.AssertJsonAsync(HttpStatusCode.OK);

        var predictions = answer.GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(expected.Labels.Length, predictions.Count);
        for (var i = 0; i < predictions.Count; i++)
        {
            var label = predictions[i].ValueKind == JsonValueKind.Number ? predictions[i].GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture) : predictions[i].GetString();
            Assert.Equal(expected.Labels[i], label);
        }

        Assert.Equal(expected.Labels.Length, response.Headers.GetValues("Ferry-Prediction-Ids").Single().Split(',').Length);
    }

    [SkippableFact]
    public async Task Invocations_UnknownFormatOrBadValues_Are400()
    {
        var endpoint = await ServingTestKit.DeployModelAsync(Server, "credit_pipeline.onnx");
        var client = Server.CreateAdminClient();
        using var unknown = await client.PostAsync($"/api/v1/endpoints/{endpoint}/invocations", JsonContent.Create(new { tensors = 1 }));
        Assert.Equal("BAD_REQUEST", (await unknown.AssertJsonAsync(HttpStatusCode.BadRequest)).GetProperty("error_code").GetString());

        using var bad = await client.PostAsync($"/api/v1/endpoints/{endpoint}/invocations",
            JsonContent.Create(new { dataframe_split = new { columns = new[] { "age", "income", "open_accounts", "purpose" }, data = new[] { new object[] { "x", 1, 2, "car" } } } }));
        var error = await bad.AssertJsonAsync(HttpStatusCode.BadRequest);
        Assert.Equal("BAD_REQUEST", error.GetProperty("error_code").GetString());
        Assert.Contains("dataframe_split.data[0].age", error.GetProperty("message").GetString()!, StringComparison.Ordinal);
    }

    private static JsonArray Records(ServingTestKit.Expected expected) =>
        new(expected.Records.Select(r => (JsonNode)r.DeepClone()).ToArray());
}

/// <summary>A small ML.NET binary classifier trained at test time, with ML.NET's own predictions.</summary>
internal static class MLNetTestModel
{
    private static readonly string[] Purposes = ["car", "home", "education"];

    public static (byte[] Bytes, List<JsonObject> Rows, List<LoanPrediction> Expected) Train()
    {
        var context = new MLContext(seed: 0);
        var data = context.Data.LoadFromEnumerable(Loans(seed: 1, count: 200));
        var pipeline = context.Transforms.Categorical.OneHotEncoding("PurposeEncoded", "Purpose")
            .Append(context.Transforms.Concatenate("Features", "Age", "Income", "PurposeEncoded"))
            .Append(context.Transforms.NormalizeMinMax("Features"))
            .Append(context.BinaryClassification.Trainers.LbfgsLogisticRegression());
        var trained = pipeline.Fit(data);
        using var stream = new MemoryStream();
        context.Model.Save(trained, data.Schema, stream);
        var rows = Loans(seed: 2, count: 25);
        var engine = context.Model.CreatePredictionEngine<Loan, LoanPrediction>(trained);
        var expected = rows.Select(engine.Predict).ToList();
        var records = rows.Select(r => new JsonObject { ["Age"] = r.Age, ["Income"] = r.Income, ["Purpose"] = r.Purpose }).ToList();
        return (stream.ToArray(), records, expected);
    }

    private static List<Loan> Loans(int seed, int count)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var age = random.Next(20, 70);
            var income = random.Next(10, 120) * 1000f;
            return new Loan { Age = age, Income = income, Purpose = Purposes[random.Next(3)], Label = income / 1000 + age > 90 };
        }).ToList();
    }
}

/// <summary>ML.NET's input row.</summary>
public sealed class Loan
{
    public float Age { get; set; }

    public float Income { get; set; }

    public string Purpose { get; set; } = "";

    public bool Label { get; set; }
}

/// <summary>ML.NET's binary prediction.</summary>
public sealed class LoanPrediction
{
    public bool PredictedLabel { get; set; }

    public float Probability { get; set; }

    public float Score { get; set; }
}
