using Xunit;

namespace Ferry.Testing;

/// <summary>
/// The S3-compatible server <c>eng/s3.sh start</c> runs for tests (<c>.ci/run</c> starts it): its endpoint and bucket,
/// with the credentials in the <c>AWS_*</c> variables it exports. Without it, S3 tests are skipped locally and fail in CI.
/// Give each test its own key prefix (<see cref="NewRoot"/>).
/// </summary>
public static class TestS3
{
    /// <summary>The endpoint variable, e.g. <c>http://127.0.0.1:PORT</c>.</summary>
    public const string EndpointVariable = "FERRY_TEST_S3_ENDPOINT";

    /// <summary>The bucket variable.</summary>
    public const string BucketVariable = "FERRY_TEST_S3_BUCKET";

    /// <summary>The server's endpoint, or <c>""</c>.</summary>
    public static string Endpoint => Environment.GetEnvironmentVariable(EndpointVariable) ?? "";

    /// <summary>The bucket tests write in, or <c>""</c>.</summary>
    public static string Bucket => Environment.GetEnvironmentVariable(BucketVariable) ?? "";

    /// <summary>Call at the start of a test that needs S3.</summary>
    public static void EnsureAvailable()
    {
        if (Endpoint.Length > 0 && Bucket.Length > 0)
        {
            return;
        }

        const string reason = $"{EndpointVariable} and {BucketVariable} are not set (eval \"$(eng/s3.sh start)\")";
        if (TestDatabase.InCi)
        {
            throw new InvalidOperationException("S3 tests must run in CI, but " + reason);
        }

        Skip.If(true, "S3 test skipped locally: " + reason);
    }

    /// <summary>An artifact root of its own in the test bucket: <c>s3://bucket/tests/&lt;guid&gt;</c>.</summary>
    public static string NewRoot() => $"s3://{Bucket}/tests/{Guid.NewGuid():N}";

    /// <summary>The environment a <c>ferry server</c> process needs to store artifacts under <paramref name="root"/> in the test server.</summary>
    public static Dictionary<string, string> ServerEnvironment(string root) => new()
    {
        ["Ferry__ArtifactStore__Root"] = root,
        ["AWS_ENDPOINT_URL_S3"] = Endpoint,
    };
}
