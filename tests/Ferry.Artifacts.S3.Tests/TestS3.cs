using Amazon.S3;
using Amazon.S3.Model;

namespace Ferry.Artifacts.S3.Tests;

/// <summary>
/// The S3-compatible server of <c>eng/s3.sh</c> (<c>FERRY_TEST_S3_ENDPOINT</c>, <c>FERRY_TEST_S3_BUCKET</c>, and the
/// <c>AWS_*</c> credentials it exports). Without it, S3 tests are skipped locally and fail in CI.
/// </summary>
internal static class TestS3
{
    public const string EndpointVariable = "FERRY_TEST_S3_ENDPOINT";
    public const string BucketVariable = "FERRY_TEST_S3_BUCKET";

    public static string Endpoint => Environment.GetEnvironmentVariable(EndpointVariable) ?? "";

    public static string Bucket => Environment.GetEnvironmentVariable(BucketVariable) ?? "";

    private static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Call first in every S3 test.</summary>
    public static void EnsureAvailable()
    {
        if (Endpoint.Length > 0 && Bucket.Length > 0)
        {
            return;
        }

        const string reason = $"{EndpointVariable} and {BucketVariable} are not set (eval \"$(eng/s3.sh start)\")";
        if (InCi)
        {
            throw new InvalidOperationException("S3 tests must run in CI, but " + reason);
        }

        Skip.If(true, "S3 test skipped locally: " + reason);
    }

    /// <summary>The options a test's store uses: the test server's endpoint, the smallest part S3 allows.</summary>
    public static S3StoreOptions Options() => new() { ServiceUrl = Endpoint, PartSizeBytes = S3StoreOptions.MinPartSizeBytes };

    /// <summary>A client of the test server, configured as <see cref="S3ArtifactStore.Create"/> configures its own.</summary>
    public static AmazonS3Client Client(Action<AmazonS3Config>? configure = null)
    {
        var config = S3ArtifactStore.CreateConfig(Options(), Environment.GetEnvironmentVariable);
        configure?.Invoke(config);
        return new AmazonS3Client(config);
    }

    /// <summary>A key prefix no other test uses.</summary>
    public static string NewPrefix() => "tests/" + Guid.NewGuid().ToString("N");

    public static async Task<List<string>> KeysAsync(IAmazonS3 client, string prefix)
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = prefix };
        ListObjectsV2Response response;
        do
        {
            response = await client.ListObjectsV2Async(request);
            keys.AddRange((response.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true);

        return keys;
    }

    public static async Task DeleteAllAsync(IAmazonS3 client, string prefix)
    {
        foreach (var key in await KeysAsync(client, prefix))
        {
            await client.DeleteObjectAsync(Bucket, key);
        }
    }
}
