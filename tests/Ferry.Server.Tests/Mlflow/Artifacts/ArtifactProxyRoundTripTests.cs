using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Ferry.Testing;
using Xunit;

namespace Ferry.Server.Tests.Mlflow.Artifacts;

/// <summary>Uploads and downloads through the MLflow artifact proxy, with the requests the Python client sends.</summary>
public sealed class ArtifactProxyRoundTripTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    private FerryTestServer Server => fixture.Server;

    [Fact]
    public async Task TextFile_RoundTripsByteForByte_WithDownloadHeaders()
    {
        var client = Server.CreateAdminClient();
        var path = ArtifactRequests.NewRunRoot() + "/notes.txt";
        var content = Encoding.UTF8.GetBytes("line one\nline two — ünïcode\r\n");
        await client.PutAsync(path, content, "text/plain");

        using var response = await client.GetAsync(ArtifactRequests.FileUrl(path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(content, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("notes.txt", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal(content.Length, response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task BinaryFile_InNestedDirectories_RoundTripsByteForByte()
    {
        var client = Server.CreateAdminClient();
        var content = new byte[1024 * 1024 + 7];
        Random.Shared.NextBytes(content);
        for (var i = 0; i < 256; i++)
        {
            content[i] = (byte)i; // every byte value, NUL and CR/LF included
        }

        var path = ArtifactRequests.NewRunRoot() + "/model/data/weights.bin";
        await client.PutAsync(path, content, "application/octet-stream");

        using var response = await client.GetAsync(ArtifactRequests.FileUrl(path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(content, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task NamesWithSpacesAndUnicode_AreUrlDecoded()
    {
        var client = Server.CreateAdminClient();
        var root = ArtifactRequests.NewRunRoot();
        var path = root + "/my dir/résumé v2.json";
        await client.PutAsync(path, "{\"a\": 1}"u8.ToArray(), "application/json");

        // Stored under the decoded name, so it lists as such and downloads by the same URL.
        var listing = await client.ListAsync(root + "/my dir");
        var entry = Assert.Single(listing.GetProperty("files").EnumerateArray());
        Assert.Equal("résumé v2.json", entry.GetProperty("path").GetString());
        Assert.True(File.Exists(Path.Combine(Server.DataDirectory, "artifacts", root, "my dir", "résumé v2.json")));

        using var response = await client.GetAsync(ArtifactRequests.FileUrl(path));
        Assert.Equal("{\"a\": 1}", await response.Content.ReadAsStringAsync());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Put_AcceptsAnyContentType_AndOverwrites()
    {
        var client = Server.CreateAdminClient();
        var path = ArtifactRequests.NewRunRoot() + "/MLmodel";
        await client.PutAsync(path, "first"u8.ToArray(), "image/png");
        await client.PutAsync(path, "second, longer"u8.ToArray(), "application/x-whatever");

        using var response = await client.GetAsync(ArtifactRequests.FileUrl(path));
        Assert.Equal("second, longer", await response.Content.ReadAsStringAsync());
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType); // no extension
    }

    [Fact]
    public async Task Put_WithChunkedBodyAndNoContentType_IsStored()
    {
        var client = Server.CreateAdminClient();
        var path = ArtifactRequests.NewRunRoot() + "/chunked.bin";
        var content = new byte[300_000];
        Random.Shared.NextBytes(content);
        using var body = new StreamContent(new NonSeekableStream(content));
        using var request = new HttpRequestMessage(HttpMethod.Put, ArtifactRequests.FileUrl(path)) { Content = body };
        request.Headers.TransferEncodingChunked = true;
        using var put = await client.SendAsync(request);
        Assert.Equal("{}", await put.AssertMlflowOkAsync());

        Assert.Equal(content, await client.GetByteArrayAsync(ArtifactRequests.FileUrl(path)));
    }

    [Fact]
    public async Task Put_LargerThanTheOrdinaryBodyLimit_IsAccepted()
    {
        var client = Server.CreateAdminClient();
        var path = ArtifactRequests.NewRunRoot() + "/big.bin";
        var content = new byte[17 * 1024 * 1024 + 1]; // over the 16 MiB limit of every other route
        Random.Shared.NextBytes(content);
        await client.PutAsync(path, content, "application/octet-stream");
        Assert.Equal(content, await client.GetByteArrayAsync(ArtifactRequests.FileUrl(path)));
    }

    [Fact]
    public async Task AjaxApiPrefix_ServesTheSameArtifacts()
    {
        var client = Server.CreateAdminClient();
        var path = ArtifactRequests.NewRunRoot() + "/a.txt";
        await client.PutAsync(path, "via api"u8.ToArray());
        var ajax = "/ajax-api/2.0/mlflow-artifacts/artifacts/" + path;
        Assert.Equal("via api", await client.GetStringAsync(ajax));
    }

    [Fact]
    public async Task Get_MissingFileOrDirectory_Is404ResourceDoesNotExist()
    {
        var client = Server.CreateAdminClient();
        var root = ArtifactRequests.NewRunRoot();
        using var missing = await client.GetAsync(ArtifactRequests.FileUrl(root + "/nope.txt"));
        await missing.AssertMlflowErrorAsync(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");

        await client.PutAsync(root + "/dir/file.txt", "x"u8.ToArray());
        using var directory = await client.GetAsync(ArtifactRequests.FileUrl(root + "/dir"));
        await directory.AssertMlflowErrorAsync(HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
    }

    [Fact]
    public async Task Delete_RemovesAFileOrATree_AndAnswersEmptyObject()
    {
        var client = Server.CreateAdminClient();
        var root = ArtifactRequests.NewRunRoot();
        await client.PutAsync(root + "/dir/a.txt", "a"u8.ToArray());
        await client.PutAsync(root + "/dir/sub/b.txt", "b"u8.ToArray());
        await client.PutAsync(root + "/keep.txt", "k"u8.ToArray());

        using (var file = await client.DeleteAsync(ArtifactRequests.FileUrl(root + "/dir/a.txt")))
        {
            Assert.Equal("{}", await file.AssertMlflowOkAsync());
        }

        using (var tree = await client.DeleteAsync(ArtifactRequests.FileUrl(root + "/dir")))
        {
            Assert.Equal("{}", await tree.AssertMlflowOkAsync());
        }

        using (var again = await client.DeleteAsync(ArtifactRequests.FileUrl(root + "/dir")))
        {
            Assert.Equal("{}", await again.AssertMlflowOkAsync());
        }

        var listing = await client.ListAsync(root);
        Assert.Equal("keep.txt", Assert.Single(listing.GetProperty("files").EnumerateArray()).GetProperty("path").GetString());
    }

    [Fact]
    public async Task Put_OverAnExistingFileAsDirectory_IsAnMlflowError()
    {
        var client = Server.CreateAdminClient();
        var root = ArtifactRequests.NewRunRoot();
        await client.PutAsync(root + "/file", "x"u8.ToArray());
        using var body = new ByteArrayContent("y"u8.ToArray());
        body.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        using var response = await client.PutAsync(ArtifactRequests.FileUrl(root + "/file/child.txt"), body);
        await response.AssertMlflowErrorAsync(HttpStatusCode.Conflict, "RESOURCE_CONFLICT");
    }

    /// <summary>A stream with no length, so HttpClient sends it chunked.</summary>
    private sealed class NonSeekableStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
