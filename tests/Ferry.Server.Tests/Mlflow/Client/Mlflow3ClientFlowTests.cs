using System.Text.Json;
using Ferry.Core.Identity;
using Ferry.Testing;
using Xunit;

namespace Ferry.Server.Tests.Mlflow.Client;

/// <summary>
/// The real MLflow 3.11 client (<c>mlflow3_flow.py</c>) against Ferry on SQLite and PostgreSQL: experiment, run, params,
/// metrics, artifacts, <c>sklearn.log_model</c> with an ONNX export beside it, logged-model tags and search,
/// <c>register_model</c> from <c>runs:/</c> and <c>models:/&lt;model_id&gt;</c>, an alias, <c>pyfunc.load_model</c> by
/// alias, and error answers. The expected values are what the same script printed against MLflow 3.11's own server.
/// </summary>
public abstract class Mlflow3ClientFlowTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    [SkippableFact]
    public async Task Mlflow3Client_LogModelRegisterLoad_AnswersAsMlflow()
    {
        var server = fixture.Server;
        var modelName = $"credit-{Guid.NewGuid():N}";
        var script = Path.Combine(RepositoryRoot.Find(), "tests", "Ferry.Server.Tests", "Mlflow", "Client", "mlflow3_flow.py");
        var work = Directory.CreateTempSubdirectory("ferry-mlflow3-");
        try
        {
            var result = await SharedPython.RunAsync(script, [$"exp-{Guid.NewGuid():N}", modelName], new Dictionary<string, string>
            {
                ["MLFLOW_TRACKING_URI"] = server.Address.ToString().TrimEnd('/'),
                ["MLFLOW_TRACKING_TOKEN"] = await server.CreateTokenAsync(Role.Scientist),
                ["FERRY_APPROVER_TOKEN"] = await server.CreateTokenAsync(Role.Approver),
                ["HOME"] = work.FullName,
            }, TimeSpan.FromMinutes(3), work.FullName);
            Assert.True(result.ExitCode == 0, result.ToString());
            using var document = JsonDocument.Parse(result.Output.Trim().Split('\n')[^1]);
            var answers = document.RootElement;
            string Text(string key) => answers.GetProperty(key) is { ValueKind: JsonValueKind.String } text ? text.GetString()! : JsonSerializer.Serialize(answers.GetProperty(key));

            // log_model: a logged model, READY, in the run's experiment, artifacts at MLflow's location.
            Assert.Equal("m-", Text("model_id_prefix"));
            Assert.True(answers.GetProperty("model_uri").GetBoolean());
            Assert.Equal("model", Text("logged_name"));
            Assert.Equal("READY", Text("logged_status"));
            Assert.True(answers.GetProperty("logged_source_run").GetBoolean());
            Assert.True(answers.GetProperty("logged_experiment").GetBoolean());
            Assert.Equal("mlflow-artifacts:/<exp>/models/<id>/artifacts", Text("logged_artifact_location"));
            Assert.Equal("""{"C":"1.0","scaler":"standard"}""", Text("logged_params"));
            Assert.Equal("[[\"acc\",0.5,0]]", Text("logged_metrics"));
            Assert.Equal(string.Empty, Text("logged_model_type"));
            Assert.Equal("""[["acc",0.5],["final_acc",0.93]]""", Text("challenger_metrics"));

            // The run: outputs name both models at step 0; its own metrics and params; the model is not a run artifact.
            Assert.Equal("[true,true]", Text("run_outputs"));
            Assert.Equal("[0,0]", Text("run_output_steps"));
            Assert.Equal("""{"C":"1.0","scaler":"standard"}""", Text("run_params"));
            Assert.Equal("""{"acc":0.9,"final_acc":0.93}""", Text("run_metrics"));
            Assert.Equal("""["notes"]""", Text("run_artifacts"));

            // Tags and search.
            Assert.Equal("""{"team":"risk"}""", Text("logged_tags"));
            Assert.Equal("[true]", Text("search_by_name"));
            Assert.Equal("""["model"]""", Text("search_by_param_and_tag"));
            Assert.Equal("""["model","challenger"]""", Text("search_order_name_desc"));
            Assert.Equal("""["challenger"]""", Text("search_by_metric"));
            Assert.Equal("""[["model"],true,["challenger"]]""", Text("search_pages"));

            // Registry: runs:/ resolves through the logged model (the client's ModelVersion does not read model_id back).
            Assert.Equal("""["1",true,false,true]""", Text("v1"));
            Assert.Equal("""["2",true,false]""", Text("v2"));
            Assert.Equal($$"""[{"name":"{{modelName}}","version":2},{"name":"{{modelName}}","version":"2"}]""", Text("model_versions_tag"));
            Assert.Equal("1", Text("alias"));

            // pyfunc.load_model("models:/name@champion") downloads every file and predicts as the pipeline does.
            Assert.Equal(Text("sklearn_predict"), Text("pyfunc_predict"));
            var files = answers.GetProperty("pyfunc_files").EnumerateArray().Select(f => f.GetString()).ToList();
            Assert.Contains("MLmodel", files);
            Assert.Contains("model.pkl", files);
            Assert.Contains("model.onnx", files);

            // Errors, as MLflow answers them.
            Assert.Equal("RESOURCE_DOES_NOT_EXIST", Text("error_missing_run"));
            Assert.Equal("RESOURCE_DOES_NOT_EXIST", Text("error_missing_logged_model"));
            Assert.Equal("RESOURCE_ALREADY_EXISTS", Text("error_duplicate_model"));
            Assert.Equal("INTERNAL_ERROR", Text("error_register_missing"));
            Assert.Equal("""["model"]""", Text("after_delete"));
            Assert.Equal("RESOURCE_DOES_NOT_EXIST", Text("get_deleted"));

            // Versions carry the logged model's id and the run it came from.
            var admin = server.CreateAdminClient();
            foreach (var number in new[] { 1, 2 })
            {
                using var get = await admin.GetAsync($"/api/2.0/mlflow/model-versions/get?name={modelName}&version={number}");
                var version = (await get.AssertJsonAsync(System.Net.HttpStatusCode.OK)).GetProperty("model_version");
                var modelId = version.GetProperty("model_id").GetString()!;
                Assert.StartsWith("m-", modelId, StringComparison.Ordinal);
                Assert.Equal($"models:/{modelId}", version.GetProperty("source").GetString());
                Assert.Equal(32, version.GetProperty("run_id").GetString()!.Length);
            }

            // The version registered through the logged model is Ferry-deployable: the ONNX export beside the pickle was read.
            using var view = await admin.GetAsync($"/api/v1/models/{modelName}/versions/1");
            var body = await view.AssertJsonAsync(System.Net.HttpStatusCode.OK);
            Assert.Equal("onnx", body.GetProperty("flavor").GetString());
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}

public sealed class SqliteMlflow3ClientFlowTests(SqliteServerFixture fixture) : Mlflow3ClientFlowTests<SqliteServerFixture>(fixture);

public sealed class PostgresMlflow3ClientFlowTests(PostgresServerFixture fixture) : Mlflow3ClientFlowTests<PostgresServerFixture>(fixture);
