using System.Net;
using Ferry.Server.Artifacts;
using Ferry.Server.Hosting;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace Ferry.Server.Tests.Mlflow.Artifacts;

/// <summary>Choosing the artifact store from <see cref="ArtifactStoreOptions.Root"/>, and the upload cap.</summary>
public sealed class ArtifactStoreRegistrationTests
{
    [Fact]
    public void DefaultRoot_IsTheArtifactsDirectoryInsideTheDataDirectory()
    {
        using var data = new TempDirectory("ferry-data");
        Assert.Equal(Path.Combine(data.Path, "artifacts"), ArtifactStoreRegistration.ResolveDirectory(null, data.Path));
        Assert.StartsWith("file:///", ArtifactStoreRegistration.DefaultRoot(data.Path), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("file:///srv/ferry/artifacts", "/srv/ferry/artifacts")]
    [InlineData("file://localhost/srv/a%20b", "/srv/a b")]
    [InlineData("/srv/plain", "/srv/plain")]
    public void FileRoots_NameALocalDirectory(string root, string expected) =>
        Assert.Equal(expected, ArtifactStoreRegistration.ResolveDirectory(root, "/unused"));

    [Theory]
    [InlineData("s3://bucket/prefix", "not supported yet")]
    [InlineData("gs://bucket/prefix", "not supported")]
    [InlineData("file://fileserver/share", "not a local file:// URI")]
    public async Task OtherRoots_FailAtStartUpWithAClearMessage(string root, string reason)
    {
        using var data = new TempDirectory("ferry-data");
        await using var app = FerryHost.Build(
            new FerryServerOptions { Port = 0, DataDirectory = data.Path, PrintAdminToken = false },
            configure: builder => builder.Configuration["Ferry:ArtifactStore:Root"] = root);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Ferry:ArtifactStore:Root", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains(root, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfiguredRoot_IsWhereUploadsLand_AndTheUploadCapAnswers413()
    {
        using var elsewhere = new TempDirectory("ferry-artifacts");
        await using var server = await FerryTestServer.StartAsync(DatabaseKind.Sqlite, services: services => services.Configure<ArtifactStoreOptions>(options =>
        {
            options.Root = new Uri(elsewhere.Path).AbsoluteUri;
            options.MaxUploadBytes = 64 * 1024;
        }));
        var client = server.CreateAdminClient();
        await client.PutAsync("1/r/artifacts/small.txt", new byte[64 * 1024]);
        Assert.True(File.Exists(Path.Combine(elsewhere.Path, "1", "r", "artifacts", "small.txt")));

        using var tooBig = new ByteArrayContent(new byte[64 * 1024 + 1]);
        using var response = await client.PutAsync(ArtifactRequests.FileUrl("1/r/artifacts/big.txt"), tooBig);
        await response.AssertMlflowErrorAsync(HttpStatusCode.RequestEntityTooLarge, "INVALID_PARAMETER_VALUE");
        Assert.False(File.Exists(Path.Combine(elsewhere.Path, "1", "r", "artifacts", "big.txt")));
    }
}
