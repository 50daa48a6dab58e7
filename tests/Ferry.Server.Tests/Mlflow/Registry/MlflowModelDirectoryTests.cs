using System.Net;
using System.Net.Http.Json;
using System.Text;
using Ferry.Core.Errors;
using Ferry.Server.Serving;
using Ferry.Testing;
using Xunit;
using static Ferry.Server.Tests.Mlflow.Registry.RegistryTestKit;

namespace Ferry.Server.Tests.Mlflow.Registry;

/// <summary>Reading an MLmodel file's text.</summary>
public sealed class MlflowModelParseTests
{
    [Fact]
    public void Parse_MlflowOnnxSave_ReadsFlavorsDataAndSignature()
    {
        const string yaml = """
            flavors:
              onnx:
                code: null
                data: model.onnx
                providers:
                - CPUExecutionProvider
              python_function:
                data: model.onnx
                loader_module: mlflow.onnx
            mlflow_version: 3.11.1
            signature:
              inputs: '[{"type": "float", "name": "age", "required": true}, {"type": "float",
                "name": "income", "required": true}]'
              params: null
            """;
        var model = MlflowModel.Parse(yaml);
        Assert.Equal(["onnx", "python_function"], model.Flavors);
        Assert.Equal("model.onnx", model.OnnxData);
        Assert.False(model.OnlyPythonFlavors);
        Assert.Contains("\"income\"", model.SignatureInputs!, StringComparison.Ordinal);
        Assert.Equal("a/b/model.onnx", model.OnnxFile("a/b"));
    }

    [Fact]
    public void Parse_SklearnOnly_IsOnlyPythonFlavors()
    {
        var model = MlflowModel.Parse("flavors:\n  python_function:\n    model_path: model.pkl\n  sklearn:\n    pickled_model: model.pkl\n");
        Assert.True(model.OnlyPythonFlavors);
        Assert.Null(model.OnnxFile("d"));
        var advice = model.ExportAdvice("m", 3);
        Assert.Contains("to_onnx(model, X[:1])", advice, StringComparison.Ordinal);
        Assert.Contains("mlflow.onnx.log_model(onx, name=", advice, StringComparison.Ordinal);
        Assert.Contains("convert_xgboost", advice, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("flavors: [unclosed")]
    [InlineData("just text")]
    [InlineData("flavors: 3")]
    [InlineData("")]
    public void Parse_NotAnMlmodel_IsValidationError(string yaml) =>
        Assert.Throws<ValidationException>(() => MlflowModel.Parse(yaml));

    [Theory]
    [InlineData("../other/model.onnx")]
    [InlineData("/etc/passwd")]
    [InlineData("sub/../../x.onnx")]
    [InlineData("..\\x.onnx")]
    public void OnnxFile_LeavingTheDirectory_IsValidationError(string data)
    {
        var model = MlflowModel.Parse($"flavors:\n  onnx:\n    data: '{data}'\n");
        Assert.Throws<ValidationException>(() => model.OnnxFile("1/run/artifacts/model"));
    }
}

/// <summary>Registering and deploying MLflow model directories, on SQLite and PostgreSQL.</summary>
public abstract class MlflowModelDirectoryTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private FerryTestServer Server => fixture.Server;

    [SkippableFact]
    public async Task OnnxFlavor_NamesItsFile_ThatFileIsReadAndServed()
    {
        var admin = Server.CreateAdminClient();
        var run = await SeedRunAsync(Server);
        var dir = ArtifactRoot(run) + "/model";
        // A file that sorts first and is no model: the old "first .onnx in name order" rule picks it and fails.
        await SeedArtifactAsync(Server, dir + "/a_notes.onnx", Encoding.UTF8.GetBytes("not a graph"));
        await SeedArtifactAsync(Server, dir + "/MLmodel", Encoding.UTF8.GetBytes("flavors:\n  onnx:\n    data: linear.onnx\n  python_function:\n    data: linear.onnx\n    loader_module: mlflow.onnx\n"));
        await SeedArtifactAsync(Server, dir + "/linear.onnx", LinearOnnx());
        var name = await CreateModelAsync(admin);

        await CreateVersionAsync(admin, name, $"runs:/{run.Id}/model", run.Id);
        await using (var db = Server.Database.CreateContext())
        {
            var row = db.ModelVersions.Single(v => v.RunId == run.Id);
            Assert.Equal(("onnx", dir), (row.Flavor, row.ArtifactPath));
            Assert.NotNull(row.SignatureJson);
        }

        var endpoint = $"ep-{Guid.NewGuid():N}";
        using var deployed = await admin.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}", new { routes = new[] { new { model = name, version = 1 } } });
        await deployed.AssertJsonAsync(HttpStatusCode.OK);
        using var predicted = await admin.PostAsJsonAsync($"/api/v1/endpoints/{endpoint}/invocations", new { dataframe_split = new { data = new[] { new[] { 1.0, 2.0, 3.0, 4.0 } } } });
        await predicted.AssertJsonAsync(HttpStatusCode.OK);
    }

    [SkippableFact]
    public async Task OnnxFlavor_DataOutsideTheDirectory_Is400()
    {
        var admin = Server.CreateAdminClient();
        var run = await SeedRunAsync(Server);
        await SeedArtifactAsync(Server, ArtifactRoot(run) + "/other/linear.onnx", LinearOnnx());
        await SeedArtifactAsync(Server, ArtifactRoot(run) + "/model/MLmodel", Encoding.UTF8.GetBytes("flavors:\n  onnx:\n    data: ../other/linear.onnx\n"));
        var name = await CreateModelAsync(admin);
        var error = await SendAsync(admin, HttpMethod.Post, "model-versions/create", new { name, source = $"runs:/{run.Id}/model" })
            .ErrorAsync(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        Assert.Contains("inside the model directory", error.GetProperty("message").GetString()!, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task OnnxFlavor_DataMissing_Is400()
    {
        var admin = Server.CreateAdminClient();
        var run = await SeedRunAsync(Server);
        await SeedArtifactAsync(Server, ArtifactRoot(run) + "/model/MLmodel", Encoding.UTF8.GetBytes("flavors:\n  onnx:\n    data: model.onnx\n"));
        var name = await CreateModelAsync(admin);
        var error = await SendAsync(admin, HttpMethod.Post, "model-versions/create", new { name, source = $"runs:/{run.Id}/model" })
            .ErrorAsync(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        Assert.Contains("not in the model directory", error.GetProperty("message").GetString()!, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task PythonOnlyFlavors_Register_ButDeployIs400WithTheExportCall()
    {
        var admin = Server.CreateAdminClient();
        var run = await SeedRunAsync(Server);
        await SeedArtifactAsync(Server, ArtifactRoot(run) + "/model/MLmodel",
            Encoding.UTF8.GetBytes("flavors:\n  python_function:\n    loader_module: mlflow.sklearn\n    model_path: model.pkl\n  sklearn:\n    pickled_model: model.pkl\n"));
        await SeedArtifactAsync(Server, ArtifactRoot(run) + "/model/model.pkl", [0x80, 0x04, 0x95]);
        var name = await CreateModelAsync(admin);
        var version = await CreateVersionAsync(admin, name, $"runs:/{run.Id}/model", run.Id);
        Assert.Equal("READY", version.GetProperty("status").GetString());
        await SendAsync(admin, HttpMethod.Post, "registered-models/alias", new { name, alias = "champion", version = "1" }).OkAsync();

        var endpoint = $"ep-{Guid.NewGuid():N}";
        foreach (object route in new object[] { new { model = name, version = 1 }, new { model = name, alias = "champion" } })
        {
            using var response = await admin.PutAsJsonAsync($"/api/v1/endpoints/{endpoint}", new { routes = new[] { route } });
            var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
            var message = problem.GetProperty("errors").GetProperty("routes[0]")[0].GetString()!;
            Assert.Contains("python_function, sklearn", message, StringComparison.Ordinal);
            Assert.Contains("from skl2onnx import to_onnx; onx = to_onnx(model, X[:1]); mlflow.onnx.log_model(onx, name=\"model\")", message, StringComparison.Ordinal);
            Assert.Contains("convert_xgboost", message, StringComparison.Ordinal);
        }

        using var missing = await admin.GetAsync($"/api/v1/endpoints/{endpoint}");
        await missing.AssertProblemAsync(HttpStatusCode.NotFound);
    }
}

/// <summary>On SQLite.</summary>
public sealed class SqliteMlflowModelDirectoryTests(SqliteServerFixture fixture) : MlflowModelDirectoryTests<SqliteServerFixture>(fixture);

/// <summary>On PostgreSQL.</summary>
public sealed class PostgresMlflowModelDirectoryTests(PostgresServerFixture fixture) : MlflowModelDirectoryTests<PostgresServerFixture>(fixture);
