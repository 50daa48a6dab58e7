using System.Net;
using Ferry.Artifacts.S3;
using Ferry.Core.Artifacts;
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
    [InlineData("s3://Bad_Bucket/prefix", "not a valid S3 bucket name")]
    [InlineData("s3://bucket/a/../b", "invalid key prefix")]
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

    [Fact]
    public async Task S3Root_RegistersTheS3StoreOnThatBucketAndPrefix()
    {
        using var data = new TempDirectory("ferry-data");
        await using var app = FerryHost.Build(
            new FerryServerOptions { Port = 0, DataDirectory = data.Path, PrintAdminToken = false },
            configure: builder =>
            {
                builder.Configuration["Ferry:ArtifactStore:Root"] = "s3://ferry-bucket/team/artifacts";
                builder.Configuration["Ferry:ArtifactStore:S3:ServiceUrl"] = "http://127.0.0.1:9";
            });

        var store = Assert.IsType<S3ArtifactStore>(app.Services.GetRequiredService<IArtifactStore>());

        Assert.Equal(new S3ArtifactLocation("ferry-bucket", "team/artifacts"), store.Location);
    }

    [SkippableFact]
    public async Task S3Root_UploadsListsAndDownloadsThroughTheBucket()
    {
        TestS3.EnsureAvailable();
        var root = TestS3.NewRoot();
        await using var server = await FerryTestServer.StartAsync(DatabaseKind.Sqlite, services: services => services.Configure<ArtifactStoreOptions>(options =>
        {
            options.Root = root;
            options.S3.ServiceUrl = TestS3.Endpoint;
        }));
        var client = server.CreateAdminClient();

        await client.PutAsync("1/r/artifacts/model/weights.bin", new byte[] { 1, 2, 3, 4 });

        var store = Assert.IsType<S3ArtifactStore>(server.Services.GetRequiredService<IArtifactStore>());
        Assert.Equal(4, (await store.GetInfoAsync("1/r/artifacts/model/weights.bin"))!.Length);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, await client.GetByteArrayAsync(ArtifactRequests.FileUrl("1/r/artifacts/model/weights.bin")));
        Assert.True(await store.DeleteAsync("1"));
    }

    [SkippableFact]
    public async Task S3Root_MissingBucket_AnswersMlflow503NamingTheBucket()
    {
        TestS3.EnsureAvailable();
        await using var server = await FerryTestServer.StartAsync(DatabaseKind.Sqlite, services: services => services.Configure<ArtifactStoreOptions>(options =>
        {
            options.Root = "s3://ferry-missing-bucket/x";
            options.S3.ServiceUrl = TestS3.Endpoint;
        }));
        var client = server.CreateAdminClient();

        using var upload = new ByteArrayContent([1, 2, 3]);
        using var response = await client.PutAsync(ArtifactRequests.FileUrl("1/r/artifacts/a.bin"), upload);

        var body = await response.AssertMlflowErrorAsync(HttpStatusCode.ServiceUnavailable, "TEMPORARILY_UNAVAILABLE");
        Assert.Contains("ferry-missing-bucket", body, StringComparison.Ordinal);
    }
}
