using System.Security.Cryptography;
using Ferry.Client.Artifacts;
using Ferry.Client.Mlflow;

namespace Ferry.Client.Tests;

/// <summary><see cref="ArtifactsClient"/> and <see cref="Registry.RegistryClient"/> against a real in-process server.</summary>
public sealed class ArtifactsAndRegistryClientTests(ClientServerFixture fixture) : IClassFixture<ClientServerFixture>
{
    private static readonly string LinearOnnx = Path.Combine(AppContext.BaseDirectory, "testdata", "linear.onnx");

    private FerryClient Client => fixture.Client;

    [Fact]
    public async Task Upload_StreamsFileIntoRun_AndDownloadAndListGiveItBack()
    {
        var experiment = await Client.Tracking.GetOrCreateExperimentAsync($"art-{Guid.NewGuid():N}");
        var run = await Client.Tracking.StartRunAsync(experiment.ExperimentId);
        using var work = new Ferry.Testing.TempDirectory("artifacts");
        var local = Path.Combine(work.Path, "data file.bin");
        var bytes = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        await File.WriteAllBytesAsync(local, bytes);
        var reported = new List<long>();

        var uri = await Client.Artifacts.UploadToRunAsync(run.Info.RunId, local, "inputs/raw", new SyncProgress(reported));

        Assert.Equal($"{run.Info.ArtifactUri}/inputs/raw/data file.bin", uri);
        Assert.Equal(bytes.Length, reported[^1]);
        using var copy = new MemoryStream();
        await Client.Artifacts.DownloadAsync(uri, copy);
        Assert.Equal(bytes, copy.ToArray());
        var listing = await Client.Artifacts.ListAsync(run.Info.ArtifactUri + "/inputs");
        Assert.Equal(new ArtifactFile("raw", true), Assert.Single(listing));
        var file = Assert.Single(await Client.Artifacts.ListAsync(ArtifactUris.ToPath(run.Info.ArtifactUri!) + "/inputs/raw"));
        Assert.Equal(bytes.Length, file.FileSize);
        Assert.Empty(await Client.Artifacts.ListAsync(uri));

        var missing = await Assert.ThrowsAsync<FerryApiException>(() => Client.Artifacts.DownloadAsync(uri + ".nope", Stream.Null));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task RegisterModel_DoesWhatMlflowRegisterModelDoes_AndAliasesMove()
    {
        var experiment = await Client.Tracking.GetOrCreateExperimentAsync($"reg-{Guid.NewGuid():N}");
        var run = await Client.Tracking.StartRunAsync(experiment.ExperimentId);
        await Client.Artifacts.UploadToRunAsync(run.Info.RunId, LinearOnnx, "model");
        var name = $"linear-{Guid.NewGuid():N}";

        var v1 = await Client.Registry.RegisterModelAsync(run.Info.RunId, "model", name);
        var v2 = await Client.Registry.RegisterModelAsync(run.Info.RunId, "model/linear.onnx", name);
        var again = await Client.Registry.CreateRegisteredModelAsync(name);

        Assert.Equal(("1", "2"), (v1.Version, v2.Version));
        Assert.Equal("READY", v1.Status);
        Assert.Equal($"{run.Info.ArtifactUri}/model", v1.Source);
        Assert.Equal(run.Info.RunId, v2.RunId);
        Assert.Equal(name, again.Name);

        await Client.Registry.SetAliasAsync(name, "challenger", 1);
        Assert.Equal("1", (await Client.Registry.GetByAliasAsync(name, "challenger")).Version);
        await Client.Registry.SetAliasAsync(name, "challenger", "2");
        Assert.Contains("challenger", (await Client.Registry.GetModelVersionAsync(name, "2")).Aliases ?? []);
        await Client.Registry.DeleteAliasAsync(name, "challenger");
        var gone = await Assert.ThrowsAsync<FerryApiException>(() => Client.Registry.GetByAliasAsync(name, "challenger"));
        Assert.Equal(MlflowErrorCodes.ResourceDoesNotExist, gone.ErrorCode);

        var page = await Client.Registry.SearchModelVersionsAsync($"name = '{name}'");
        Assert.Equal(2, page.ModelVersions.Count);
        var view = await Client.Models.GetVersionAsync(name, 2);
        Assert.Equal("onnx", view.Flavor);
        Assert.NotEmpty(view.Signature!.Inputs);
        Assert.Contains(await Client.Models.ListAsync(), m => m.Name == name && m.LatestVersion == 2);
        Assert.Equal(2, (await Client.Models.GetAsync(name)).Versions.Count);

        var missingModel = await Assert.ThrowsAsync<FerryApiException>(() => Client.Registry.CreateModelVersionAsync($"nope-{Guid.NewGuid():N}", "mlflow-artifacts:/x"));
        Assert.Equal(MlflowErrorCodes.ResourceDoesNotExist, missingModel.ErrorCode);
    }

    [Fact]
    public void ArtifactUrisAndPaths_ConvertBothWays()
    {
        Assert.Equal("1/abc/artifacts/x", ArtifactUris.ToPath("mlflow-artifacts:/1/abc/artifacts/x"));
        Assert.Equal("1/abc", ArtifactUris.ToPath("mlflow-artifacts://host:5000/1/abc"));
        Assert.Equal("1/abc", ArtifactUris.ToPath("/1/abc/"));
        Assert.Equal("mlflow-artifacts:/models/m", ArtifactUris.ToUri("models/m"));
        Assert.Equal("a/b/c", ArtifactUris.Combine("a/", null, "/b", "", "c"));
        Assert.Throws<ArgumentException>(() => ArtifactUris.ToPath("s3://bucket/x"));
    }

    private sealed class SyncProgress(List<long> values) : IProgress<long>
    {
        public void Report(long value) => values.Add(value);
    }
}
