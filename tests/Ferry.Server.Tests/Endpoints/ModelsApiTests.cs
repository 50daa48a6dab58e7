using System.Net;
using System.Text;
using Ferry.Core.Identity;
using Ferry.Testing;
using Xunit;
using static Ferry.Server.Tests.Mlflow.Registry.RegistryTestKit;

namespace Ferry.Server.Tests.Endpoints;

/// <summary>Ferry's own registry view (<c>/api/v1/models</c>), on SQLite and PostgreSQL.</summary>
public abstract class ModelsApiTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : ServerFixture
{
    private FerryTestServer Server => fixture.Server;

    [SkippableFact]
    public async Task Version_ShowsSignatureLineageAndProvenance()
    {
        var tokenName = $"sci-{Guid.NewGuid():N}";
        var scientist = Server.CreateClient(await Server.CreateTokenAsync(Role.Scientist, tokenName));
        var run = await SeedRunAsync(Server);
        await SeedArtifactAsync(Server, ArtifactRoot(run) + "/model/model.onnx", LinearOnnx());
        var name = await CreateModelAsync(scientist);
        await CreateVersionAsync(scientist, name, $"runs:/{run.Id}/model", run.Id);
        await SendAsync(scientist, HttpMethod.Post, "registered-models/alias", new { name, alias = "challenger", version = "1" }).OkAsync();

        var viewer = Server.CreateClient(await Server.CreateTokenAsync(Role.Viewer));
        using var response = await viewer.GetAsync($"/api/v1/models/{name}/versions/1");
        var view = await response.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("onnx", view.GetProperty("flavor").GetString());
        Assert.True(view.GetProperty("signature").GetProperty("inputs").GetArrayLength() > 0);
        Assert.Equal(ArtifactRoot(run) + "/model", view.GetProperty("artifactPath").GetString());
        Assert.Equal(tokenName, view.GetProperty("userId").GetString());
        Assert.Equal("None", view.GetProperty("stage").GetString());
        Assert.Equal(["challenger"], view.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        var source = view.GetProperty("sourceRun");
        Assert.Equal(run.Id, source.GetProperty("id").GetString());
        Assert.Equal("FINISHED", source.GetProperty("status").GetString());
        Assert.Equal(0.91, source.GetProperty("metrics").GetProperty("auc").GetDouble());
        Assert.Equal("6", source.GetProperty("params").GetProperty("max_depth").GetString());
        var dataset = Assert.Single(source.GetProperty("datasets").EnumerateArray());
        Assert.Equal("d1g3st", dataset.GetProperty("digest").GetString());

        using var list = await viewer.GetAsync("/api/v1/models");
        var models = await list.AssertJsonAsync(HttpStatusCode.OK);
        var summary = Assert.Single(models.GetProperty("models").EnumerateArray(), m => m.GetProperty("name").GetString() == name);
        Assert.Equal(1, summary.GetProperty("latestVersion").GetInt32());
        Assert.Equal(1, summary.GetProperty("aliases").GetProperty("challenger").GetInt32());

        using var model = await viewer.GetAsync($"/api/v1/models/{name}");
        var detail = await model.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal("onnx", Assert.Single(detail.GetProperty("versions").EnumerateArray()).GetProperty("flavor").GetString());
    }

    [SkippableFact]
    public async Task Unknown_Is404Problem()
    {
        var viewer = Server.CreateClient(await Server.CreateTokenAsync(Role.Viewer));
        using var model = await viewer.GetAsync($"/api/v1/models/nope-{Guid.NewGuid():N}");
        await model.AssertProblemAsync(HttpStatusCode.NotFound);
        var admin = Server.CreateAdminClient();
        var name = await CreateModelAsync(admin);
        await CreateVersionAsync(admin, name, "s3://bucket/" + Encoding.UTF8.GetByteCount(name));
        using var version = await viewer.GetAsync($"/api/v1/models/{name}/versions/5");
        await version.AssertProblemAsync(HttpStatusCode.NotFound);
        using var ok = await viewer.GetAsync($"/api/v1/models/{name}/versions/1");
        var view = await ok.AssertJsonAsync(HttpStatusCode.OK);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, view.GetProperty("flavor").ValueKind);
    }
}

public sealed class SqliteModelsApiTests(SqliteServerFixture fixture) : ModelsApiTests<SqliteServerFixture>(fixture);

public sealed class PostgresModelsApiTests(PostgresServerFixture fixture) : ModelsApiTests<PostgresServerFixture>(fixture);
