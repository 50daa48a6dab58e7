using System.Net;
using System.Text;
using Ferry.Testing;
using Xunit;
using static Ferry.Server.Tests.Mlflow.Registry.RegistryTestKit;

namespace Ferry.Server.Tests.Mlflow.Registry;

/// <summary>Source resolution and signature reading at registration, on SQLite and PostgreSQL.</summary>
public abstract class ModelVersionSourceTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private FerryTestServer Server => fixture.Server;

    [SkippableFact]
    public async Task RunsUri_WithOnnxModel_StoresFlavorSignatureAndArtifactPath()
    {
        var admin = Server.CreateAdminClient();
        var run = await SeedRunAsync(Server);
        await SeedArtifactAsync(Server, ArtifactRoot(run) + "/model/MLmodel", Encoding.UTF8.GetBytes("flavors:\n  onnx: {}\n"));
        await SeedArtifactAsync(Server, ArtifactRoot(run) + "/model/model.onnx", LinearOnnx());
        var name = await CreateModelAsync(admin);

        var version = await CreateVersionAsync(admin, name, $"runs:/{run.Id}/model", run.Id);
        Assert.Equal("READY", version.GetProperty("status").GetString());
        Assert.Equal(run.Id, version.GetProperty("run_id").GetString());

        await using (var db = Server.Database.CreateContext())
        {
            var row = db.ModelVersions.Single(v => v.RunId == run.Id);
            Assert.Equal("onnx", row.Flavor);
            Assert.Equal(ArtifactRoot(run) + "/model", row.ArtifactPath);
            Assert.Contains("\"inputs\"", row.SignatureJson!, StringComparison.Ordinal);
        }

        var uri = await GetAsync(admin, "model-versions/get-download-uri", ("name", name), ("version", "1")).OkAsync();
        Assert.Equal($"mlflow-artifacts:/{ArtifactRoot(run)}/model", uri.GetProperty("artifact_uri").GetString());
    }

    [SkippableFact]
    public async Task ArtifactsUri_ToTheModelFile_IsReadToo()
    {
        var admin = Server.CreateAdminClient();
        var run = await SeedRunAsync(Server);
        await SeedArtifactAsync(Server, ArtifactRoot(run) + "/onnx/linear.onnx", LinearOnnx());
        var name = await CreateModelAsync(admin);
        await CreateVersionAsync(admin, name, $"mlflow-artifacts:/{ArtifactRoot(run)}/onnx/linear.onnx");
        await using var db = Server.Database.CreateContext();
        var row = db.ModelVersions.Single(v => v.ArtifactPath == ArtifactRoot(run) + "/onnx/linear.onnx");
        Assert.Equal("onnx", row.Flavor);
        Assert.NotNull(row.SignatureJson);
    }

    [SkippableFact]
    public async Task CorruptModelFile_Is400_AndNothingIsWritten()
    {
        var admin = Server.CreateAdminClient();
        var run = await SeedRunAsync(Server);
        await SeedArtifactAsync(Server, ArtifactRoot(run) + "/model/model.onnx", Encoding.UTF8.GetBytes("this is not an onnx graph"));
        var name = await CreateModelAsync(admin);

        var error = await SendAsync(admin, HttpMethod.Post, "model-versions/create", new { name, source = $"runs:/{run.Id}/model", run_id = run.Id })
            .ErrorAsync(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        Assert.Contains("ONNX", error.GetProperty("message").GetString()!, StringComparison.Ordinal);

        await using var db = Server.Database.CreateContext();
        Assert.False(db.ModelVersions.Any(v => v.RunId == run.Id));
        Assert.Equal(0, await CountAuditAsync(Server, "model-version.create", $"model/{name}/1"));
        await GetAsync(admin, "model-versions/get", ("name", name), ("version", "1")).ErrorAsync(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
    }

    [SkippableFact]
    public async Task CorruptMLNetZip_Is400()
    {
        var admin = Server.CreateAdminClient();
        var run = await SeedRunAsync(Server);
        await SeedArtifactAsync(Server, ArtifactRoot(run) + "/model/model.zip", [0x50, 0x4b, 0x03, 0x04, 0x00, 0x01]);
        var name = await CreateModelAsync(admin);
        await SendAsync(admin, HttpMethod.Post, "model-versions/create", new { name, source = $"runs:/{run.Id}/model" })
            .ErrorAsync(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        await using var db = Server.Database.CreateContext();
        Assert.Equal(0, await CountAuditAsync(Server, "model-version.create", $"model/{name}/1"));
    }

    [SkippableFact]
    public async Task SourcesWithoutModelFile_OrOutsideFerry_RegisterWithoutSignature()
    {
        var admin = Server.CreateAdminClient();
        var run = await SeedRunAsync(Server);
        await SeedArtifactAsync(Server, ArtifactRoot(run) + "/sk/MLmodel", Encoding.UTF8.GetBytes("flavors:\n  sklearn: {}\n"));
        var name = await CreateModelAsync(admin);
        await CreateVersionAsync(admin, name, $"runs:/{run.Id}/sk", run.Id);
        await CreateVersionAsync(admin, name, "s3://bucket/path/model");
        await using var db = Server.Database.CreateContext();
        var rows = db.ModelVersions.Where(v => v.Source.Contains(run.Id) || v.Source == "s3://bucket/path/model").ToList()
            .Where(v => v.Version <= 2).ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Null(r.Flavor));
        Assert.All(rows, r => Assert.Null(r.SignatureJson));
        Assert.Contains(rows, r => r.ArtifactPath == ArtifactRoot(run) + "/sk");
        Assert.Contains(rows, r => r.ArtifactPath is null);
    }

    [SkippableTheory]
    [InlineData("mlflow-artifacts:/1/../../etc/passwd")]
    [InlineData("s3://bucket/a/../b")]
    [InlineData("mlflow-artifacts:/1/%2e%2e/x")]
    [InlineData("mlflow-artifacts:/1/a\u0000b")]
    public async Task UnsafeSources_Are400(string source)
    {
        var admin = Server.CreateAdminClient();
        var name = await CreateModelAsync(admin);
        await SendAsync(admin, HttpMethod.Post, "model-versions/create", new { name, source })
            .ErrorAsync(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    [SkippableFact]
    public async Task UnknownRun_Is404()
    {
        var admin = Server.CreateAdminClient();
        var name = await CreateModelAsync(admin);
        await SendAsync(admin, HttpMethod.Post, "model-versions/create", new { name, source = $"runs:/{Guid.NewGuid():N}/model" })
            .ErrorAsync(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
    }
}

public sealed class SqliteModelVersionSourceTests(SqliteServerFixture fixture) : ModelVersionSourceTests<SqliteServerFixture>(fixture);

public sealed class PostgresModelVersionSourceTests(PostgresServerFixture fixture) : ModelVersionSourceTests<PostgresServerFixture>(fixture);
