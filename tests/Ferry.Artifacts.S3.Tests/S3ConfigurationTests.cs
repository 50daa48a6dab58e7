namespace Ferry.Artifacts.S3.Tests;

/// <summary>How an s3:// root and the AWS environment turn into a location and a client configuration; no server needed.</summary>
public sealed class S3ConfigurationTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Theory]
    [InlineData("s3://bucket", "bucket", "")]
    [InlineData("s3://bucket/", "bucket", "")]
    [InlineData("s3://my.bucket-1/team/artifacts", "my.bucket-1", "team/artifacts")]
    [InlineData("S3://bucket/a/", "bucket", "a")]
    public void Parse_ValidRoot_GivesBucketAndPrefix(string root, string bucket, string prefix)
    {
        var location = S3ArtifactLocation.Parse(root);

        Assert.Equal(new S3ArtifactLocation(bucket, prefix), location);
    }

    [Theory]
    [InlineData("s3://Bucket/x", "not a valid S3 bucket name")]
    [InlineData("s3://b/x", "not a valid S3 bucket name")]
    [InlineData("s3://bucket_1/x", "not a valid S3 bucket name")]
    [InlineData("s3://a..b/x", "not a valid S3 bucket name")]
    [InlineData("s3://bucket/../x", "invalid key prefix")]
    [InlineData("s3://bucket/a//b", "invalid key prefix")]
    [InlineData("s3://bucket/.ferry", "invalid key prefix")]
    [InlineData("file:///tmp", "not an s3:// URI")]
    public void Parse_BadRoot_IsRefusedSayingWhy(string root, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => S3ArtifactLocation.Parse(root));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyOf_Path_IsPrefixSlashPath()
    {
        Assert.Equal("team/a/b.txt", new S3ArtifactLocation("bucket", "team").KeyOf("a/b.txt"));
        Assert.Equal("a/b.txt", new S3ArtifactLocation("bucket", "").KeyOf("a/b.txt"));
        Assert.Equal("team/", new S3ArtifactLocation("bucket", "team").PrefixOf(""));
        Assert.Equal("", new S3ArtifactLocation("bucket", "").PrefixOf(""));
    }

    [Fact]
    public void CreateConfig_ServiceSpecificEndpoint_WinsOverGeneralAndIsPathStyle()
    {
        var config = S3ArtifactStore.CreateConfig(new S3StoreOptions(),
            Env(("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000"), ("AWS_ENDPOINT_URL", "http://127.0.0.1:1"), ("AWS_REGION", "eu-west-1")));

        Assert.StartsWith("http://127.0.0.1:9000", config.ServiceURL, StringComparison.Ordinal);
        Assert.True(config.ForcePathStyle);
    }

    [Fact]
    public void CreateConfig_GeneralEndpoint_IsUsedWhenNoServiceSpecificOne()
    {
        var config = S3ArtifactStore.CreateConfig(new S3StoreOptions(), Env(("AWS_ENDPOINT_URL", "http://127.0.0.1:1234")));

        Assert.StartsWith("http://127.0.0.1:1234", config.ServiceURL, StringComparison.Ordinal);
        Assert.True(config.ForcePathStyle);
        Assert.Equal("us-east-1", config.AuthenticationRegion);
    }

    [Fact]
    public void CreateConfig_ForcePathStyleFalse_KeepsVirtualHostedForACustomEndpoint()
    {
        var config = S3ArtifactStore.CreateConfig(new S3StoreOptions { ForcePathStyle = false }, Env(("AWS_ENDPOINT_URL_S3", "http://s3.example:9000")));

        Assert.False(config.ForcePathStyle);
    }

    [Fact]
    public void CreateConfig_NoEndpoint_IsAwsWithVirtualHostedAddressing()
    {
        var config = S3ArtifactStore.CreateConfig(new S3StoreOptions(), Env(("AWS_REGION", "eu-west-1")));

        Assert.Null(S3ArtifactStore.EndpointOf(new S3StoreOptions(), Env()));
        Assert.True(string.IsNullOrEmpty(config.ServiceURL));
        Assert.False(config.ForcePathStyle);
    }

    [Theory]
    [InlineData(1024L, 4, "PartSizeBytes must lie in")]
    [InlineData(8L * 1024 * 1024, 0, "MaxConcurrentParts must lie in 1..64")]
    public void Validate_BadOptions_NameTheirKey(long partSize, int concurrency, string message)
    {
        var failures = new S3StoreOptions { PartSizeBytes = partSize, MaxConcurrentParts = concurrency }.Validate("Ferry:ArtifactStore:S3");

        Assert.Contains(failures, f => f.Contains("Ferry:ArtifactStore:S3:" + message, StringComparison.Ordinal));
    }
}
