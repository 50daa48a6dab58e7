using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Server.Serving;
using Ferry.Server.Tests.Serving;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Ferry.Server.Tests.Mlflow.Registry.RegistryTestKit;

namespace Ferry.Server.Tests.Oversight;

/// <summary>Real credit models from ../shared/models, deployed with a labelled reference, and their logged predictions.</summary>
internal static class NoticeTestKit
{
    private static readonly string[] Categorical = ["home_ownership", "loan_purpose", "employment_type"];

    public static string SharedFile(string name) =>
        Path.GetFullPath(Path.Combine(RepositoryRoot.Find(), "..", "shared", "models", name));

    /// <summary>Registers <paramref name="file"/> (optionally linked to a run), deploys it and computes its reference on labelled training rows.</summary>
    public static async Task<(string Model, int Version, string Endpoint)> DeployAsync(FerryTestServer server, string file, int referenceRows = 300, string? runId = null)
    {
        var model = UniqueName("model");
        var admin = server.CreateAdminClient();
        int version;
        if (runId is null)
        {
            version = await ServingTestKit.RegisterAsync(server, model, await File.ReadAllBytesAsync(SharedFile(file)), file);
        }
        else
        {
            await CreateModelAsync(admin, model);
            var path = $"notice-tests/{Guid.NewGuid():N}/{file}";
            await SeedArtifactAsync(server, path, await File.ReadAllBytesAsync(SharedFile(file)));
            var created = await CreateVersionAsync(admin, model, $"mlflow-artifacts:/{path}", runId);
            version = int.Parse(created.GetProperty("version").GetString()!, CultureInfo.InvariantCulture);
        }

        var endpoint = UniqueName("ep");
        await ServingTestKit.DeployAsync(server, endpoint, new { model, version, weight = 100 });
        var training = Rows("train.csv").Take(referenceRows).ToList();
        var body = new JsonObject
        {
            ["records"] = new JsonArray([.. training.Select(r => (JsonNode)r.Record.DeepClone())]),
            ["labels"] = new JsonArray([.. training.Select(r => (JsonNode)JsonValue.Create(r.Default!)!)]),
            ["positiveLabel"] = "1",
        };
        await admin.PutReferenceAsync(model, version, body);
        return (model, version, endpoint);
    }

    /// <summary>Predicts test rows; returns each answer (with its id) once the log holds them.</summary>
    public static async Task<List<JsonElement>> PredictAsync(FerryTestServer server, string endpoint, int count, int skip = 0)
    {
        var records = Rows("test.csv").Skip(skip).Take(count).Select(r => r.Record);
        var answer = await ServingTestKit.PredictAsync(server.CreateAdminClient(), endpoint, records);
        await server.WaitForPredictionLogAsync();
        return [.. answer.GetProperty("predictions").EnumerateArray().Select(p => p.Clone())];
    }

    public static async Task SetCardAsync(FerryTestServer server, string model, int version, object fields)
    {
        using var response = await server.CreateAdminClient().PutAsJsonAsync($"/api/v1/models/{model}/versions/{version}/card", fields);
        await response.AssertJsonAsync(HttpStatusCode.OK);
    }

    public static async Task RefreshAsync(FerryTestServer server, string endpoint) =>
        await server.Services.GetRequiredService<PolicyCache>().RefreshAsync(endpoint);

    public static async Task<JsonElement> NoticeJsonAsync(FerryTestServer server, string endpoint, string id, string query = "")
    {
        using var response = await server.CreateAdminClient().GetAsync($"/api/v1/endpoints/{endpoint}/predictions/{id}/notice{query}");
        return await response.AssertJsonAsync(HttpStatusCode.OK);
    }

    public static async Task<string> NoticeHtmlAsync(FerryTestServer server, string endpoint, string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/endpoints/{endpoint}/predictions/{id}/notice");
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8");
        using var response = await server.CreateAdminClient().SendAsync(request);
        Xunit.Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Xunit.Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The CSV's rows without missing cells, as records (numbers as float32, as trained), with the <c>default</c> label where the file has it.</summary>
    public static IEnumerable<(JsonObject Record, string? Default)> Rows(string csv)
    {
        var lines = File.ReadAllLines(SharedFile(csv));
        var header = lines[0].Split(',');
        var label = Array.IndexOf(header, "default");
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0 || line.Contains(",,", StringComparison.Ordinal) || line.EndsWith(','))
            {
                continue;
            }

            var cells = line.Split(',');
            var record = new JsonObject();
            for (var j = 0; j < 20; j++)
            {
                record[header[j]] = Categorical.Contains(header[j]) ? JsonValue.Create(cells[j])
                    : JsonValue.Create((double)float.Parse(cells[j], CultureInfo.InvariantCulture));
            }

            yield return (record, label >= 0 ? cells[label] : null);
        }
    }
}
