using System.Net;
using System.Text;
using System.Text.Json;
using Ferry.Core.Artifacts;
using Ferry.Core.Tracking;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Server.Tests.Mlflow.Registry;

/// <summary>Sends registry requests exactly as the Python client does (GET query strings, JSON bodies on POST/PATCH/DELETE).</summary>
internal static class RegistryTestKit
{
    public const string Prefix = "/api/2.0/mlflow/";

    /// <summary>The prompt-exclusion clause newer clients append to every registered-model search.</summary>
    public const string PromptExclusion = "tag.`mlflow.prompt.is_prompt` != 'true'";

    public static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, Prefix + path);
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> GetAsync(HttpClient client, string path, params (string Key, string Value)[] query)
    {
        var text = string.Join("&", query.Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value)}"));
        return client.GetAsync(Prefix + path + (text.Length > 0 ? "?" + text : ""));
    }

    public static async Task<JsonElement> OkAsync(this Task<HttpResponseMessage> call)
    {
        using var response = await call;
        return await response.AssertJsonAsync(HttpStatusCode.OK);
    }

    /// <summary>Asserts an MLflow error: status and error_code.</summary>
    public static async Task<JsonElement> ErrorAsync(this Task<HttpResponseMessage> call, HttpStatusCode status, string code)
    {
        using var response = await call;
        var error = await response.AssertJsonAsync(status);
        Assert.Equal(code, error.GetProperty("error_code").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        return error;
    }

    public static string UniqueName(string prefix = "M") => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>Seeds an experiment and a finished run (with a metric, a param and a dataset input) and returns the run.</summary>
    public static async Task<Run> SeedRunAsync(FerryTestServer server)
    {
        await using var db = server.Database.CreateContext();
        var experimentId = Random.Shared.NextInt64(1_000_000, long.MaxValue / 2);
        db.Experiments.Add(new Experiment
        {
            Id = experimentId,
            Name = $"exp-{Guid.NewGuid():N}",
            ArtifactLocation = $"mlflow-artifacts:/{experimentId}",
        });
        var runId = Guid.NewGuid().ToString("N");
        var run = new Run
        {
            Id = runId,
            ExperimentId = experimentId,
            Name = "credit-risk-train",
            Status = RunStatus.Finished,
            ArtifactUri = $"mlflow-artifacts:/{experimentId}/{runId}/artifacts",
            Params = [new RunParam { RunId = runId, Key = "max_depth", Value = "6" }],
            LatestMetrics = [new LatestMetric { RunId = runId, Key = "auc", Value = 0.91, Step = 3, Timestamp = 1_700_000_000_000 }],
            DatasetInputs = [new RunDatasetInput { RunId = runId, Name = "loans-2024", Digest = "d1g3st", SourceType = "local", TagsJson = "{\"mlflow.data.context\":\"training\"}" }],
        };
        db.Runs.Add(run);
        await db.SaveChangesAsync();
        return run;
    }

    /// <summary>Writes a file into Ferry's artifact store (through DI when a store is registered).</summary>
    public static async Task SeedArtifactAsync(FerryTestServer server, string path, byte[] content)
    {
        if (server.Services.GetService<IArtifactStore>() is { } store)
        {
            await store.PutAsync(path, new MemoryStream(content));
            return;
        }

        var full = Path.Join(server.DataDirectory, "artifacts", path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        await File.WriteAllBytesAsync(full, content);
    }

    /// <summary>The artifact-store path of a run's artifact directory.</summary>
    public static string ArtifactRoot(Run run) => $"{run.ExperimentId}/{run.Id}/artifacts";

    /// <summary>A real ONNX model from tests/testdata.</summary>
    public static byte[] LinearOnnx()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Join(dir.FullName, "tests", "testdata", "linear.onnx");
            if (File.Exists(candidate))
            {
                return File.ReadAllBytes(candidate);
            }
        }

        throw new FileNotFoundException("tests/testdata/linear.onnx not found above " + AppContext.BaseDirectory);
    }

    public static async Task<string> CreateModelAsync(HttpClient client, string? name = null)
    {
        name ??= UniqueName();
        await SendAsync(client, HttpMethod.Post, "registered-models/create", new { name }).OkAsync();
        return name;
    }

    public static async Task<JsonElement> CreateVersionAsync(HttpClient client, string name, string source, string? runId = null) =>
        (await SendAsync(client, HttpMethod.Post, "model-versions/create", runId is null ? new { name, source } : new { name, source, run_id = runId })
            .OkAsync()).GetProperty("model_version");

    public static async Task<int> CountAuditAsync(FerryTestServer server, string action, string target)
    {
        await using var db = server.Database.CreateContext();
        return db.AuditEvents.Count(e => e.Action == action && e.Target == target);
    }
}
