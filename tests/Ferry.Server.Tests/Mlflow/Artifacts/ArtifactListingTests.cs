using System.Text.Json;
using Ferry.Testing;
using Xunit;

namespace Ferry.Server.Tests.Mlflow.Artifacts;

/// <summary>The proxy's listing: basenames only, <c>is_dir</c> always, <c>file_size</c> for files, <c>{}</c> for nothing.</summary>
public sealed class ArtifactListingTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    private FerryTestServer Server => fixture.Server;

    [Fact]
    public async Task Listing_NamesDirectEntriesByBasename()
    {
        var client = Server.CreateAdminClient();
        var root = ArtifactRequests.NewRunRoot();
        await client.PutAsync(root + "/a.txt", "12345"u8.ToArray());
        await client.PutAsync(root + "/model/MLmodel", "flavors: {}"u8.ToArray());
        await client.PutAsync(root + "/model/data/w.bin", new byte[3]);

        var top = await client.ListAsync(root);
        AssertEntries(top, ("a.txt", false, 5), ("model", true, null));

        var model = await client.ListAsync(root + "/model");
        AssertEntries(model, ("MLmodel", false, 11), ("data", true, null));

        // A trailing '/' names the same directory.
        AssertEntries(await client.ListAsync(root + "/model/"), ("MLmodel", false, 11), ("data", true, null));
    }

    [Fact]
    public async Task FilePath_MissingPath_AndEmptyDirectory_AnswerEmptyObject()
    {
        var client = Server.CreateAdminClient();
        var root = ArtifactRequests.NewRunRoot();
        await client.PutAsync(root + "/dir/only.txt", "x"u8.ToArray());

        Assert.Equal("{}", (await client.ListAsync(root + "/dir/only.txt")).GetRawText());
        Assert.Equal("{}", (await client.ListAsync(root + "/missing")).GetRawText());

        (await client.DeleteAsync(ArtifactRequests.FileUrl(root + "/dir/only.txt"))).Dispose();
        Assert.True(Directory.Exists(Path.Combine(Server.DataDirectory, "artifacts", root, "dir")), "the emptied directory stays");
        Assert.Equal("{}", (await client.ListAsync(root + "/dir")).GetRawText());
    }

    [Fact]
    public async Task NoPath_ListsTheRoot_WithoutTheStoresMetadata()
    {
        var client = Server.CreateAdminClient();
        var root = ArtifactRequests.NewRunRoot();
        await client.PutAsync(root + "/x.txt", "x"u8.ToArray());
        var experiment = root.Split('/')[0];

        foreach (var listing in new[] { await client.ListAsync(null), await client.ListAsync("") })
        {
            var files = listing.GetProperty("files").EnumerateArray().ToList();
            Assert.Contains(files, f => f.GetProperty("path").GetString() == experiment && f.GetProperty("is_dir").GetBoolean());
            Assert.DoesNotContain(files, f => f.GetProperty("path").GetString() == ".ferry");
        }
    }

    [Fact]
    public async Task Viewer_MayListAndDownload()
    {
        var root = ArtifactRequests.NewRunRoot();
        await Server.CreateAdminClient().PutAsync(root + "/r.txt", "read me"u8.ToArray());
        var viewer = Server.CreateClient(await Server.CreateTokenAsync(Core.Identity.Role.Viewer));
        AssertEntries(await viewer.ListAsync(root), ("r.txt", false, 7));
        Assert.Equal("read me", await viewer.GetStringAsync(ArtifactRequests.FileUrl(root + "/r.txt")));
    }

    private static void AssertEntries(JsonElement listing, params (string Path, bool IsDir, long? Size)[] expected)
    {
        var actual = listing.GetProperty("files").EnumerateArray()
            .Select(f => (
                Path: f.GetProperty("path").GetString()!,
                IsDir: f.GetProperty("is_dir").GetBoolean(),
                Size: f.TryGetProperty("file_size", out var size) ? size.GetInt64() : (long?)null))
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .ToList();
        Assert.Equal(expected.OrderBy(e => e.Path, StringComparer.Ordinal).ToList(), actual);
    }
}
