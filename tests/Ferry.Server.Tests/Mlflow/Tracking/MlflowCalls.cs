using System.Net;
using System.Text;
using System.Text.Json;
using Ferry.Testing;
using Xunit;

namespace Ferry.Server.Tests.Mlflow.Tracking;

/// <summary>Sends requests as the Python mlflow client does: JSON bodies as text, GET parameters in the query string.</summary>
internal static class MlflowCalls
{
    public const string Api = "/api/2.0/mlflow/";

    public static async Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await client.PostAsync(Api + path, content);
    }

    public static async Task<JsonElement> PostOkAsync(this HttpClient client, string path, string json)
    {
        using var response = await client.PostRawAsync(path, json);
        return await response.AssertJsonAsync(HttpStatusCode.OK);
    }

    public static async Task<JsonElement> GetOkAsync(this HttpClient client, string pathAndQuery)
    {
        using var response = await client.GetAsync(Api + pathAndQuery);
        return await response.AssertJsonAsync(HttpStatusCode.OK);
    }

    /// <summary>Asserts an MLflow error: status, error_code, and optionally the start of the message.</summary>
    public static async Task<string> AssertMlflowErrorAsync(this HttpResponseMessage response, HttpStatusCode status, string code, string? messageStart = null)
    {
        var body = await response.AssertJsonAsync(status);
        Assert.Equal(code, body.GetProperty("error_code").GetString());
        var message = body.GetProperty("message").GetString()!;
        if (messageStart is not null)
        {
            Assert.StartsWith(messageStart, message, StringComparison.Ordinal);
        }

        return message;
    }

    public static async Task<string> PostErrorAsync(this HttpClient client, string path, string json, HttpStatusCode status, string code, string? messageStart = null)
    {
        using var response = await client.PostRawAsync(path, json);
        return await response.AssertMlflowErrorAsync(status, code, messageStart);
    }

    public static async Task<string> CreateExperimentAsync(this HttpClient client, string? name = null)
    {
        var body = await client.PostOkAsync("experiments/create", Json(new { name = name ?? "exp-" + Guid.NewGuid().ToString("N") }));
        return body.GetProperty("experiment_id").GetString()!;
    }

    /// <summary>Creates a run with the body the fluent client sends from <c>start_run(run_name=...)</c>.</summary>
    public static async Task<JsonElement> CreateRunAsync(this HttpClient client, string experimentId, string? runName = null, long startTime = 1_700_000_000_000)
    {
        var tags = new List<object>
        {
            new { key = "mlflow.user", value = "alice" },
            new { key = "mlflow.source.name", value = "train.py" },
            new { key = "mlflow.source.type", value = "LOCAL" },
        };
        if (runName is not null)
        {
            tags.Add(new { key = "mlflow.runName", value = runName });
        }

        var body = runName is null
            ? Json(new { experiment_id = experimentId, user_id = "alice", start_time = startTime, tags })
            : Json(new { experiment_id = experimentId, user_id = "alice", start_time = startTime, run_name = runName, tags });
        var created = await client.PostOkAsync("runs/create", body);
        return created.GetProperty("run");
    }

    public static string RunIdOf(JsonElement run) => run.GetProperty("info").GetProperty("run_id").GetString()!;

    public static string Json<T>(T value) => JsonSerializer.Serialize(value);

    /// <summary>The value of a key in a list of {key, value} objects, or null.</summary>
    public static JsonElement? Entry(JsonElement list, string key)
    {
        foreach (var item in list.EnumerateArray())
        {
            if (item.GetProperty("key").GetString() == key)
            {
                return item;
            }
        }

        return null;
    }
}
