using Amazon.S3;
using Ferry.Artifacts.Conformance;
using Ferry.Core.Artifacts;

namespace Ferry.Artifacts.S3.Tests;

/// <summary>The artifact-store conformance suite on the S3 store, against the real S3-compatible server of eng/s3.sh, each test under its own key prefix.</summary>
public sealed class S3ArtifactStoreTests : ArtifactStoreConformanceTests, IAsyncLifetime
{
    private readonly string _prefix = TestS3.NewPrefix();
    private AmazonS3Client? _client;
    private S3ArtifactStore? _store;

    protected override IArtifactStore Store
    {
        get
        {
            if (_store is null)
            {
                TestS3.EnsureAvailable();
                _client = TestS3.Client();
                _store = new S3ArtifactStore(_client, S3ArtifactLocation.Parse($"s3://{TestS3.Bucket}/{_prefix}"), TestS3.Options());
            }

            return _store;
        }
    }

    protected override async Task AssertNoTempLeftAsync() =>
        Assert.Empty(await TestS3.KeysAsync(_client!, _prefix + "/.ferry/"));

    protected override async Task AssertNothingWrittenAsync() =>
        Assert.All(await TestS3.KeysAsync(_client!, _prefix + "/"), key => Assert.StartsWith(_prefix + "/.ferry/", key, StringComparison.Ordinal));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await TestS3.DeleteAllAsync(_client, _prefix + "/");
            _store?.Dispose();
            _client.Dispose();
        }
    }
}
