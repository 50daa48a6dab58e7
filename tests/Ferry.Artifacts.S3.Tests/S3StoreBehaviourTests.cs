using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Ferry.Artifacts.Conformance;
using Ferry.Core.Artifacts;

namespace Ferry.Artifacts.S3.Tests;

/// <summary>What only the S3 store does: multipart uploads, the hash in object metadata, ranged GETs, stated errors; against the real server of eng/s3.sh.</summary>
public sealed class S3StoreBehaviourTests : IAsyncLifetime
{
    private const long Part = S3StoreOptions.MinPartSizeBytes;

    private readonly string _prefix = TestS3.NewPrefix();
    private readonly RecordingHttpClientFactory _http = new();
    private AmazonS3Client _client = null!;
    private S3ArtifactStore _store = null!;

    public Task InitializeAsync()
    {
        if (TestS3.Endpoint.Length > 0 && TestS3.Bucket.Length > 0)
        {
            _client = TestS3.Client(config => config.HttpClientFactory = _http);
            _store = new S3ArtifactStore(_client, S3ArtifactLocation.Parse($"s3://{TestS3.Bucket}/{_prefix}"), TestS3.Options());
        }

        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await TestS3.DeleteAllAsync(_client, _prefix + "/");
            _store.Dispose();
            _client.Dispose();
        }
    }

    [SkippableFact]
    public async Task PutAsync_LargerThanAPart_UploadsPartsAndKeepsSha256InObjectMetadata()
    {
        TestS3.EnsureAvailable();
        var size = (2 * Part) + 12_345;
        using var source = new GeneratedStream(size, seed: 3);

        var info = await _store.PutAsync("big/blob.bin", source);

        Assert.Equal(size, info.Length);
        Assert.Equal(source.Sha256, info.Sha256);
        Assert.Equal(3, _http.Requests.Count(r => r.Method == "PUT" && r.Query.Contains("partNumber=", StringComparison.Ordinal)));
        Assert.All(_http.Requests.Where(r => r.Method == "PUT"), r => Assert.True(r.ContentLength <= Part, $"a request carried {r.ContentLength} bytes"));
        var head = await _client.GetObjectMetadataAsync(TestS3.Bucket, $"{_prefix}/big/blob.bin");
        Assert.Equal(source.Sha256, head.Metadata["x-amz-meta-sha256"]);
        Assert.Equal(size, head.ContentLength);
        Assert.Equal(info, await _store.GetInfoAsync("big/blob.bin"));
        Assert.Empty(await TestS3.KeysAsync(_client, _prefix + "/.ferry/"));

        using var expected = new GeneratedStream(size, seed: 3);
        await using var stored = await _store.OpenReadAsync("big/blob.bin");
        Assert.Equal(source.Sha256, await HashAsync(stored));
        Assert.Equal(info.Sha256, Convert.ToHexStringLower(await SHA256.HashDataAsync(expected)));
    }

    [SkippableFact]
    public async Task PutAsync_SmallFile_IsOnePutWithSha256InMetadata()
    {
        TestS3.EnsureAvailable();

        var info = await _store.PutAsync("small.txt", new MemoryStream("abc"u8.ToArray()));

        Assert.Single(_http.Requests, r => r.Method == "PUT");
        var head = await _client.GetObjectMetadataAsync(TestS3.Bucket, $"{_prefix}/small.txt");
        Assert.Equal(info.Sha256, head.Metadata["x-amz-meta-sha256"]);
    }

    [SkippableFact]
    public async Task PutAsync_SourceFailsAfterTwoParts_AbortsAndKeepsPreviousObject()
    {
        TestS3.EnsureAvailable();
        await _store.PutAsync("a.bin", new MemoryStream("previous"u8.ToArray()));

        await Assert.ThrowsAsync<IOException>(() => _store.PutAsync("a.bin", new FailingStream((int)(2 * Part) + 100)));

        // It went by multipart: the upload was initiated (a part's request may be cancelled before it is recorded).
        Assert.Contains(_http.Requests, r => r.Method == "POST" && r.Query.Contains("uploads", StringComparison.Ordinal));
        var info = await _store.GetInfoAsync("a.bin");
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("previous"u8)), info!.Sha256);
        Assert.Empty(await TestS3.KeysAsync(_client, _prefix + "/.ferry/"));
    }

    [SkippableFact]
    public async Task OpenReadAsync_SeekAndRead_FetchesOnlyAWindowAroundTheRange()
    {
        TestS3.EnsureAvailable();
        var size = 3 * Part;
        using (var source = new GeneratedStream(size, seed: 5))
        {
            await _store.PutAsync("big.bin", source);
        }

        _http.Requests.Clear();
        await using var stream = await _store.OpenReadAsync("big.bin");
        stream.Seek(2 * Part, SeekOrigin.Begin);
        var range = new byte[1000];
        await stream.ReadExactlyAsync(range);

        var expected = new byte[size];
        using (var again = new GeneratedStream(size, seed: 5))
        {
            again.ReadExactly(expected);
        }

        Assert.Equal(expected.AsSpan((int)(2 * Part), 1000).ToArray(), range);
        var get = Assert.Single(_http.Requests, r => r.Method == "GET");
        Assert.Equal($"bytes={2 * Part}-{(2 * Part) + S3ObjectReadStreamWindow - 1}", get.Range);
        Assert.Equal(S3ObjectReadStreamWindow, get.ResponseLength);
    }

    [SkippableFact]
    public async Task OpenReadAsync_SequentialRead_UsesGrowingWindows()
    {
        TestS3.EnsureAvailable();
        var size = 4 * Part; // 20 MiB: windows of 1, 2, 4, 8 and the last 5 MiB
        using var source = new GeneratedStream(size, seed: 9);
        var info = await _store.PutAsync("seq.bin", source);
        _http.Requests.Clear();

        await using var stream = await _store.OpenReadAsync("seq.bin");
        Assert.Equal(info.Sha256, await HashAsync(stream));

        Assert.Equal(5, _http.Requests.Count(r => r.Method == "GET"));
    }

    [SkippableFact]
    public async Task OpenReadAsync_ObjectReplacedWhileRead_FailsRatherThanMixing()
    {
        TestS3.EnsureAvailable();
        await _store.PutAsync("r.bin", new GeneratedStream(3 * S3ObjectReadStreamWindow, seed: 1));
        await using var stream = await _store.OpenReadAsync("r.bin");
        var buffer = new byte[1000];
        await stream.ReadExactlyAsync(buffer);

        await _store.PutAsync("r.bin", new GeneratedStream(3 * S3ObjectReadStreamWindow, seed: 2));
        stream.Seek(2 * S3ObjectReadStreamWindow, SeekOrigin.Begin);

        var error = await Assert.ThrowsAsync<IOException>(async () => await stream.ReadExactlyAsync(buffer));
        Assert.Contains("replaced", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task GetInfoAsync_ObjectWithoutHashMetadata_HashesItsContent()
    {
        TestS3.EnsureAvailable();
        await _client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = TestS3.Bucket,
            Key = $"{_prefix}/foreign.txt",
            ContentBody = "abc",
            UseChunkEncoding = false,
        });

        var info = await _store.GetInfoAsync("foreign.txt");

        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", info!.Sha256);
        Assert.Equal(3, info.Length);
    }

    [SkippableFact]
    public async Task ListAsync_KeysPlantedUnderMetadataOrUnaddressable_AreNotListed()
    {
        TestS3.EnsureAvailable();
        await _store.PutAsync("ok.txt", new MemoryStream("x"u8.ToArray()));
        foreach (var key in new[] { ".ferry/tmp/leftover", "bad:name", "dir/also:bad" })
        {
            await _client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = TestS3.Bucket,
                Key = $"{_prefix}/{key}",
                ContentBody = "planted",
                UseChunkEncoding = false,
            });
        }

        Assert.Equal([new ArtifactEntry("dir", true, null), new ArtifactEntry("ok.txt", false, 1)], await ListAsync(""));
        Assert.Equal([new ArtifactEntry("ok.txt", false, 1)], await ListAsync("", recursive: true));
    }

    [SkippableFact]
    public async Task DeleteAsync_DirectoryOfManyObjects_DeletesInBatches()
    {
        TestS3.EnsureAvailable();
        for (var i = 0; i < 25; i++)
        {
            await _store.PutAsync($"many/{i:D2}.txt", new MemoryStream([(byte)i]));
        }

        Assert.True(await _store.DeleteAsync("many"));

        Assert.Empty(await TestS3.KeysAsync(_client, _prefix + "/many/"));
        // One DeleteObjects request for the 25 (s3rver's own race on directory cleanup may make the SDK retry it), no single deletes.
        Assert.Contains(_http.Requests, r => r.Method == "POST" && r.Query.Contains("delete", StringComparison.Ordinal));
        Assert.DoesNotContain(_http.Requests, r => r.Method == "DELETE");
    }

    [SkippableFact]
    public async Task AnyOperation_MissingBucket_IsAStatedUnavailableError()
    {
        TestS3.EnsureAvailable();
        using var store = new S3ArtifactStore(_client, S3ArtifactLocation.Parse("s3://ferry-no-such-bucket/x"), TestS3.Options());

        var error = await Assert.ThrowsAsync<ArtifactStoreUnavailableException>(() => store.GetInfoAsync("a.txt"));

        Assert.Contains("bucket 'ferry-no-such-bucket' does not exist", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task AnyOperation_WrongCredentials_IsAStatedUnavailableErrorWithoutTheSecret()
    {
        TestS3.EnsureAvailable();
        const string secret = "not-the-secret-0123456789";
        var config = S3ArtifactStore.CreateConfig(TestS3.Options(), Environment.GetEnvironmentVariable);
        using var client = new AmazonS3Client(new BasicAWSCredentials("WRONGKEY", secret), config);
        using var store = new S3ArtifactStore(client, S3ArtifactLocation.Parse($"s3://{TestS3.Bucket}/{_prefix}"), TestS3.Options());

        var error = await Assert.ThrowsAsync<ArtifactStoreUnavailableException>(() => store.PutAsync("a.txt", new MemoryStream([1])));

        Assert.Contains("refused Ferry's credentials", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, error.ToString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task AnyOperation_UnreachableEndpoint_IsAStatedUnavailableError()
    {
        TestS3.EnsureAvailable();
        var port = FreePort();
        var options = TestS3.Options();
        options.ServiceUrl = $"http://127.0.0.1:{port}";
        var config = S3ArtifactStore.CreateConfig(options, Environment.GetEnvironmentVariable);
        config.MaxErrorRetry = 0;
        using var client = new AmazonS3Client(config);
        using var store = new S3ArtifactStore(client, S3ArtifactLocation.Parse("s3://ferry-tests/x"), options);

        var error = await Assert.ThrowsAsync<ArtifactStoreUnavailableException>(() => store.OpenReadAsync("a.txt"));

        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("cannot be reached", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The first window of <c>S3ObjectReadStream</c> (1 MiB).</summary>
    private const long S3ObjectReadStreamWindow = 1L << 20;

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<List<ArtifactEntry>> ListAsync(string directory, bool recursive = false)
    {
        var entries = new List<ArtifactEntry>();
        await foreach (var entry in _store.ListAsync(directory, recursive))
        {
            entries.Add(entry);
        }

        return entries;
    }

    private static async Task<string> HashAsync(Stream stream) => Convert.ToHexStringLower(await SHA256.HashDataAsync(stream));
}
