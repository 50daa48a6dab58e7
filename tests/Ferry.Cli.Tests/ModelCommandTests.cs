using System.Text.Json;
using Ferry.Cli.Tests.Infrastructure;
using Ferry.Client;
using Ferry.Client.Mlflow;
using static Ferry.Cli.Tests.Infrastructure.CliAssert;

namespace Ferry.Cli.Tests;

/// <summary><c>ferry models register|list|show|alias</c> against a real <c>ferry server</c> process.</summary>
[Collection(SharedServerDefinition.Name)]
public sealed class ModelCommandTests(SharedServerFixture fixture)
{
    private static readonly string LinearOnnx = Ferry.Testing.TestDataFiles.Find("linear.onnx");

    private FerryServerProcess Server => fixture.Server;

    [Fact]
    public async Task Register_UploadsOnnxFile_AndPrintsVersionFlavorAndSignature()
    {
        var name = Unique("cli-linear");

        var registered = JsonSerializer.Deserialize<JsonElement>(
            Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "register", LinearOnnx, "--name", name, "--output", "json")).Stdout);

        Assert.Equal("1", registered.GetProperty("version").GetString());
        Assert.Equal("onnx", registered.GetProperty("flavor").GetString());
        Assert.StartsWith($"mlflow-artifacts:/models/{name}/", registered.GetProperty("source").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("/linear.onnx", registered.GetProperty("source").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(0, registered.GetProperty("signature").GetProperty("inputs").GetArrayLength());

        var table = Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "register", LinearOnnx, "--name", name));
        Assert.Contains("version 2", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("onnx", table.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegisterWithRun_PutsFileUnderRunsArtifacts_AndLinksTheRun()
    {
        using var client = new FerryClient(Server.Url, fixture.AdminToken);
        var experiment = await client.Tracking.GetOrCreateExperimentAsync(Unique("cli-register"));
        var run = await client.Tracking.StartRunAsync(experiment.ExperimentId, "train");
        var name = Unique("cli-run-model");

        var registered = JsonSerializer.Deserialize<JsonElement>(Succeeded(await Server.RunAsync(fixture.AdminToken,
            "models", "register", LinearOnnx, "--name", name, "--run", run.Info.RunId, "--output", "json")).Stdout);

        var expected = $"mlflow-artifacts:/{experiment.ExperimentId}/{run.Info.RunId}/artifacts/model/linear.onnx";
        Assert.Equal(expected, registered.GetProperty("source").GetString());
        var version = await client.Registry.GetModelVersionAsync(name, "1");
        Assert.Equal(run.Info.RunId, version.RunId);
        Assert.Equal(expected, version.Source);
        var files = await client.Artifacts.ListAsync($"{experiment.ExperimentId}/{run.Info.RunId}/artifacts/model");
        Assert.Contains(files, f => f.Path == "linear.onnx" && !f.IsDir && f.FileSize == new FileInfo(LinearOnnx).Length);
    }

    [Fact]
    public async Task RegisteringCorruptFile_FailsWithOneLine_AndRegistersNothing()
    {
        using var directory = new TempDirectory("corrupt");
        var corrupt = directory.Combine("broken.onnx");
        await File.WriteAllTextAsync(corrupt, "this is not an ONNX graph, just text pretending to be one");
        var name = Unique("cli-corrupt");

        var result = await Server.RunAsync(fixture.AdminToken, "models", "register", corrupt, "--name", name);

        Assert.NotEqual(ExitCodes.Success, result.ExitCode);
        CliAssert.FailedWithOneLine(result, result.ExitCode);
        using var client = new FerryClient(Server.Url, fixture.AdminToken);
        Assert.Null(await client.Registry.FindRegisteredModelAsync(name));
    }

    [Fact]
    public async Task Register_RefusesMissingFileOrUnknownExtension_BeforeCallingServer()
    {
        using var directory = new TempDirectory("badfile");
        var text = directory.Combine("model.txt");
        await File.WriteAllTextAsync(text, "x");

        CliAssert.FailedWithOneLine(await Server.RunAsync(fixture.AdminToken, "models", "register", directory.Combine("missing.onnx"), "--name", "m"),
            ExitCodes.InvalidArguments, "no such file");
        CliAssert.FailedWithOneLine(await Server.RunAsync(fixture.AdminToken, "models", "register", text, "--name", "m"),
            ExitCodes.InvalidArguments, ".onnx");
    }

    [Fact]
    public async Task AliasSet_PointsAtVersion_AndDeleteRemovesIt()
    {
        var name = Unique("cli-alias");
        Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "register", LinearOnnx, "--name", name));
        Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "register", LinearOnnx, "--name", name));

        var set = JsonSerializer.Deserialize<JsonElement>(
            Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "alias", "set", name, "2", "challenger", "--output", "json")).Stdout);
        Assert.Equal("2", set.GetProperty("model_version").GetProperty("version").GetString());

        var moved = await Server.RunAsync(fixture.AdminToken, "models", "alias", "set", name, "1", "challenger");
        Assert.Contains("version 1", Succeeded(moved).Stdout, StringComparison.Ordinal);
        using var client = new FerryClient(Server.Url, fixture.AdminToken);
        Assert.Equal("1", (await client.Registry.GetByAliasAsync(name, "challenger")).Version);

        Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "alias", "delete", name, "challenger"));
        var gone = await Assert.ThrowsAsync<FerryApiException>(() => client.Registry.GetByAliasAsync(name, "challenger"));
        Assert.Equal(MlflowErrorCodes.ResourceDoesNotExist, gone.ErrorCode);

        CliAssert.FailedWithOneLine(await Server.RunAsync(fixture.AdminToken, "models", "alias", "set", name, "9", "challenger"), ExitCodes.NotFound);
    }

    [Fact]
    public async Task ListAndShow_PrintServersJson()
    {
        var name = Unique("cli-show");
        Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "register", LinearOnnx, "--name", name));

        var list = JsonSerializer.Deserialize<JsonElement>(Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "list", "--output", "json")).Stdout);
        Assert.Contains(list.GetProperty("models").EnumerateArray(), m => m.GetProperty("name").GetString() == name);

        var model = JsonSerializer.Deserialize<JsonElement>(Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "show", name, "--output", "json")).Stdout);
        Assert.Equal(name, model.GetProperty("name").GetString());
        Assert.Equal(1, model.GetProperty("versions").GetArrayLength());

        var version = JsonSerializer.Deserialize<JsonElement>(
            Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "show", name, "--version", "1", "--output", "json")).Stdout);
        Assert.Equal("onnx", version.GetProperty("flavor").GetString());
        Assert.Equal(JsonValueKind.Object, version.GetProperty("signature").ValueKind);

        var table = Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "show", name, "--version", "1"));
        Assert.Contains("float", table.Stdout, StringComparison.Ordinal);
        Assert.Contains(name, Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "list")).Stdout, StringComparison.Ordinal);

        CliAssert.FailedWithOneLine(await Server.RunAsync(fixture.AdminToken, "models", "show", Unique("nope")), ExitCodes.NotFound);
    }

    [Fact]
    public async Task ShowVersion_UntraceableGraph_SaysKernelShapAndTheNodeThatStoppedTheTrace()
    {
        // gbc_pipeline from ../shared/models with its Imputer node replaced by Abs: served by ONNX Runtime, not traceable.
        var proto = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(SharedModel("gbc_pipeline.onnx")));
        var imputer = proto.Graph.Node.Single(n => n.OpType == "Imputer");
        imputer.OpType = "Abs";
        imputer.Domain = string.Empty;
        imputer.Attribute.Clear();
        using var directory = new TempDirectory("abs");
        var patched = directory.Combine("gbc_abs.onnx");
        await File.WriteAllBytesAsync(patched, Google.Protobuf.MessageExtensions.ToByteArray(proto));
        var name = Unique("cli-abs");
        Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "register", patched, "--name", name));

        var table = Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "show", name, "--version", "1")).Stdout;

        Assert.Contains("explained by", table, StringComparison.Ordinal);
        Assert.Contains("kernel-shap", table, StringComparison.Ordinal);
        Assert.Contains("not exact because", table, StringComparison.Ordinal);
        Assert.Contains($"'Abs' (node '{imputer.Name}')", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShowVersion_ExporterTreePipeline_SaysExactTreeShap()
    {
        var name = Unique("cli-gbc");
        Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "register", SharedModel("gbc_pipeline.onnx"), "--name", name));

        var table = Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "show", name, "--version", "1")).Stdout;

        Assert.Contains("tree-path-dependent", table, StringComparison.Ordinal);
        Assert.DoesNotContain("not exact because", table, StringComparison.Ordinal);
    }

    private static string SharedModel(string file) =>
        Path.GetFullPath(Path.Combine(Ferry.Testing.RepositoryRoot.Find(), "..", "shared", "models", file));

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
}
