using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ferry.Server.Serving;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static Ferry.Server.Tests.Mlflow.Registry.RegistryTestKit;

namespace Ferry.Server.Tests.Serving;

/// <summary>
/// The real mlflow 3.11 client and skl2onnx (../shared/python) build a scikit-learn pipeline's MLflow model
/// directories (<c>mlflow.sklearn.save_model</c> with <c>pyfunc_predict_fn="predict_proba"</c>, and
/// <c>mlflow.onnx.save_model</c> of its skl2onnx export), once per class; Ferry registers both, refuses to deploy the
/// pickle with the export advice, and answers <c>/invocations</c> as scikit-learn and MLflow's scoring server do.
/// </summary>
public sealed class MlflowScoringParityFixture : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ferry-mlflow-dirs-" + Guid.NewGuid().ToString("N"));

    /// <summary>Where the script wrote <c>sklearn/</c> and <c>onnx/</c>.</summary>
    public string Directory => _directory;

    /// <summary>What the script printed: rows, sklearn's answers, MLflow's scoring answer.</summary>
    public JsonElement Reference { get; private set; }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(_directory);
        var script = Path.Combine(RepositoryRoot.Find(), "tests", "Ferry.Server.Tests", "Serving", "Python", "mlflow_model_dirs.py");
        // Run in the temporary directory: mlflow's default tracking store (mlflow.db) lands there, not in the checkout.
        var result = await SharedPython.RunAsync(script, [_directory], new Dictionary<string, string>(), TimeSpan.FromSeconds(120), workingDirectory: _directory);
        Assert.True(result.ExitCode == 0, result.ToString());
        Reference = JsonDocument.Parse(result.Output.Trim().Split('\n')[^1]).RootElement.Clone();
    }

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>MLflow model directories made by the real client, served by Ferry (SQLite).</summary>
public sealed class MlflowScoringParityTests(SqliteServerFixture fixture, MlflowScoringParityFixture python)
    : IClassFixture<SqliteServerFixture>, IClassFixture<MlflowScoringParityFixture>
{
    private const double Float32Tolerance = 1e-5;

    private FerryTestServer Server => fixture.Server;

    [SkippableFact]
    public async Task MlflowSavedDirectories_RegisterAndServe_AsSklearnAndMlflowAnswer()
    {
        var admin = Server.CreateAdminClient();
        var model = UniqueName("pipeline");
        await CreateModelAsync(admin, model);
        var root = $"parity/{Guid.NewGuid():N}";
        foreach (var flavor in new[] { "sklearn", "onnx" })
        {
            foreach (var file in System.IO.Directory.GetFiles(Path.Combine(python.Directory, flavor)))
            {
                await SeedArtifactAsync(Server, $"{root}/{flavor}/{Path.GetFileName(file)}", await File.ReadAllBytesAsync(file));
            }
        }

        // Version 1: the pickle (Python flavors only) registers; version 2: the ONNX flavor's model.onnx.
        await CreateVersionAsync(admin, model, $"mlflow-artifacts:/{root}/sklearn");
        var onnx = await CreateVersionAsync(admin, model, $"mlflow-artifacts:/{root}/onnx");
        Assert.Equal("2", onnx.GetProperty("version").GetString());

        var endpoint = UniqueName("ep");
        using (var refused = await admin.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}", new { routes = new[] { new { model, version = 1 } } }))
        {
            var problem = await refused.AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains("to_onnx(model, X[:1])", problem.GetProperty("errors").GetProperty("routes[0]")[0].GetString()!, StringComparison.Ordinal);
        }

        using (var deployed = await admin.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}",
            new { routes = new[] { new { model, version = 2 } }, invocationsOutput = "predict_proba" }))
        {
            await deployed.AssertJsonAsync(HttpStatusCode.OK);
        }

        var reference = python.Reference;
        var body = new { dataframe_split = new { columns = reference.GetProperty("columns"), data = reference.GetProperty("rows") }, @params = new { } };

        // predict_proba: scikit-learn's predict_proba, and what MLflow's scoring server answered for the pickle.
        var proba = await InvokeAsync(admin, endpoint, body);
        var sklearn = reference.GetProperty("predict_proba").EnumerateArray().ToList();
        var mlflow = reference.GetProperty("mlflow_scoring_answer").GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(sklearn.Count, proba.Count);
        for (var i = 0; i < proba.Count; i++)
        {
            var ours = proba[i].EnumerateArray().Select(p => p.GetDouble()).ToArray();
            Assert.Equal(sklearn[i].EnumerateArray().Select(p => p.GetDouble()), ours, new Near(Float32Tolerance));
            Assert.Equal(mlflow[i].EnumerateArray().Select(p => p.GetDouble()), ours, new Near(Float32Tolerance));
        }

        // predict: scikit-learn's labels, as JSON numbers.
        await SetAsync(admin, endpoint, "predict");
        var labels = await InvokeAsync(admin, endpoint, body);
        Assert.Equal(reference.GetProperty("predict").EnumerateArray().Select(l => l.GetInt64()), labels.Select(l => l.GetInt64()));

        // outputs: MLflow's onnx flavor's DataFrame answer, {"output_label": 0, "output_probability": {"0": p0, "1": p1}} per row.
        await SetAsync(admin, endpoint, "outputs");
        var outputs = await InvokeAsync(admin, endpoint, body);
        for (var i = 0; i < outputs.Count; i++)
        {
            Assert.Equal(labels[i].GetInt64(), outputs[i].GetProperty("output_label").GetInt64());
            var map = outputs[i].GetProperty("output_probability");
            Assert.Equal(["0", "1"], map.EnumerateObject().Select(p => p.Name));
            Assert.Equal(sklearn[i][1].GetDouble(), map.GetProperty("1").GetDouble(), Float32Tolerance);
        }
    }

    private async Task SetAsync(HttpClient admin, string endpoint, string output)
    {
        using var response = await admin.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}/invocations-output", new { invocationsOutput = output });
        await response.AssertJsonAsync(HttpStatusCode.OK);
        await Server.Services.GetRequiredService<PolicyCache>().RefreshAsync(endpoint);
    }

    private static async Task<List<JsonElement>> InvokeAsync(HttpClient client, string endpoint, object body)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/invocations", body);
        return (await response.AssertJsonAsync(HttpStatusCode.OK)).GetProperty("predictions").EnumerateArray().ToList();
    }

    private sealed class Near(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
