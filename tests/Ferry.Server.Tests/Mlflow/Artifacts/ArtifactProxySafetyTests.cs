using System.Net;
using System.Net.Http.Headers;
using Ferry.Core.Identity;
using Ferry.Testing;
using Xunit;

namespace Ferry.Server.Tests.Mlflow.Artifacts;

/// <summary>Unsafe paths, roles and the unsupported multipart upload, all answered in MLflow's error shape.</summary>
public sealed class ArtifactProxySafetyTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    private const string MultipartMessage = "Multipart upload is not supported for the current artifact repository";

    private FerryTestServer Server => fixture.Server;

    /// <summary>Targets sent byte for byte; each names a path inside the artifact route that is not a plain one.</summary>
    [Theory]
    [InlineData("a/%2e%2e/escape.txt")] // encoded dots (Kestrel would decode and collapse them to 'escape.txt')
    [InlineData("a/%2E%2E/b/escape.txt")]
    [InlineData("a/../escape.txt")] // literal dot segment (Kestrel would collapse it)
    [InlineData("a/./escape.txt")]
    [InlineData("a%2f..%2f..%2fescape.txt")] // encoded separators
    [InlineData("a%5c..%5c..%5cescape.txt")] // encoded backslashes
    [InlineData("a\\..\\escape.txt")] // raw backslashes
    [InlineData("a%00b.txt")] // NUL
    [InlineData("%252e%252e/escape.txt")] // double-encoded dots
    [InlineData("%2fetc%2fescape.txt")] // absolute after decoding
    [InlineData("/etc/escape.txt")] // absolute: '//' after the route
    [InlineData("C:%5cescape.txt")] // drive letter
    [InlineData(".ferry/tmp/escape.txt")] // the store's own metadata
    public async Task UnsafePaths_AreRefusedWith400_ForEveryMethod(string path)
    {
        foreach (var method in new[] { "PUT", "GET", "DELETE" })
        {
            var (status, body) = await ArtifactRequests.SendRawAsync(
                Server.Address, method, ArtifactRequests.Proxy + "/" + path, Server.AdminToken, method == "PUT" ? "pwned"u8.ToArray() : null);
            if (status == 400 && body.Length == 0)
            {
                // Kestrel itself refuses some targets (a NUL) before any route runs: still refused, still nothing written.
                continue;
            }

            ArtifactRequests.AssertMlflowError(status, body, 400, "INVALID_PARAMETER_VALUE");
        }

        AssertNothingNamed("escape.txt");
        AssertNothingNamed("b.txt");
    }

    /// <summary>Dot segments that climb above the artifact route are collapsed by Kestrel before routing: no route, nothing written.</summary>
    [Theory]
    [InlineData("a/%2e%2e/%2e%2e/escape.txt")]
    [InlineData("%2e%2e/%2e%2e/%2e%2e/%2e%2e/escape.txt")]
    [InlineData("../../../../../../tmp/escape.txt")]
    public async Task DotSegmentsLeavingTheRoute_NeverReachTheStore(string path)
    {
        foreach (var method in new[] { "PUT", "GET", "DELETE" })
        {
            var (status, body) = await ArtifactRequests.SendRawAsync(
                Server.Address, method, ArtifactRequests.Proxy + "/" + path, Server.AdminToken, method == "PUT" ? "pwned"u8.ToArray() : null);
            Assert.True(status is 400 or 404, $"{method} answered {status}: {body}");
        }

        AssertNothingNamed("escape.txt");
    }

    [Theory]
    [InlineData("../..")]
    [InlineData("../../etc")]
    [InlineData("/etc")]
    [InlineData("a/../../b")]
    [InlineData("a\\b")]
    [InlineData("a/%2e%2e")]
    public async Task UnsafeListingPaths_AreRefusedWith400(string path)
    {
        using var response = await Server.CreateAdminClient().GetAsync(ArtifactRequests.Proxy + "?path=" + Uri.EscapeDataString(path));
        await response.AssertMlflowErrorAsync(HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task Viewer_CannotUploadOrDelete_403PermissionDenied()
    {
        var viewer = Server.CreateClient(await Server.CreateTokenAsync(Role.Viewer));
        var path = ArtifactRequests.NewRunRoot() + "/v.txt";
        using var body = new ByteArrayContent("no"u8.ToArray());
        body.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        using var put = await viewer.PutAsync(ArtifactRequests.FileUrl(path), body);
        await put.AssertMlflowErrorAsync(HttpStatusCode.Forbidden, "PERMISSION_DENIED");
        using var delete = await viewer.DeleteAsync(ArtifactRequests.FileUrl(path));
        await delete.AssertMlflowErrorAsync(HttpStatusCode.Forbidden, "PERMISSION_DENIED");

        using var get = await Server.CreateAdminClient().GetAsync(ArtifactRequests.FileUrl(path));
        await get.AssertMlflowErrorAsync(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
    }

    [Fact]
    public async Task Scientist_MayUpload()
    {
        var scientist = Server.CreateClient(await Server.CreateTokenAsync(Role.Scientist));
        await scientist.PutAsync(ArtifactRequests.NewRunRoot() + "/s.txt", "yes"u8.ToArray());
    }

    [Fact]
    public async Task NoToken_Is401Unauthenticated()
    {
        var anonymous = Server.CreateClient();
        using var list = await anonymous.GetAsync(ArtifactRequests.Proxy);
        await list.AssertMlflowErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
        using var put = await anonymous.PutAsync(ArtifactRequests.FileUrl("1/r/artifacts/x.txt"), new ByteArrayContent([1]));
        await put.AssertMlflowErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
    }

    [Theory]
    [InlineData("create")]
    [InlineData("complete")]
    [InlineData("abort")]
    public async Task MultipartUpload_Is501WithTheMessageTheClientRecognises(string step)
    {
        var client = Server.CreateClient(await Server.CreateTokenAsync(Role.Scientist));
        using var body = new StringContent("""{"path":"big.bin","num_parts":3}""", System.Text.Encoding.UTF8, "application/json");
        using var response = await client.PostAsync($"/api/2.0/mlflow-artifacts/mpu/{step}/1/r/artifacts/big.bin", body);
        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($$"""{"error_code":"NOT_IMPLEMENTED","message":"{{MultipartMessage}}"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task MultipartUpload_RefusesAViewer()
    {
        var viewer = Server.CreateClient(await Server.CreateTokenAsync(Role.Viewer));
        using var response = await viewer.PostAsync("/api/2.0/mlflow-artifacts/mpu/create/1/r/artifacts/big.bin", new StringContent("{}"));
        await response.AssertMlflowErrorAsync(HttpStatusCode.Forbidden, "PERMISSION_DENIED");
    }

    private void AssertNothingNamed(string name)
    {
        var found = Directory.EnumerateFiles(Server.DataDirectory, name, SearchOption.AllDirectories).ToList();
        Assert.True(found.Count == 0, "written: " + string.Join(", ", found));
        Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), name)));
        Assert.False(File.Exists(Path.Combine("/etc", name)));
    }
}
