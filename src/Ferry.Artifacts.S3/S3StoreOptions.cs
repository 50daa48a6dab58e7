namespace Ferry.Artifacts.S3;

/// <summary>
/// How the S3 store talks to its server; bound from <c>Ferry:ArtifactStore:S3</c>. Region and credentials are not here:
/// they come from the AWS SDK's default chain (environment, shared profile, container or instance role).
/// </summary>
public sealed class S3StoreOptions
{
    /// <summary>S3's smallest part (except the last) in a multipart upload: 5 MiB.</summary>
    public const long MinPartSizeBytes = 5L * 1024 * 1024;

    /// <summary>S3's largest part: 5 GiB (Ferry holds each part in memory, so it allows at most 512 MiB).</summary>
    public const long MaxPartSizeBytes = 512L * 1024 * 1024;

    /// <summary>
    /// Path-style addressing (<c>http://host/bucket/key</c>) rather than virtual-hosted (<c>http://bucket.host/key</c>).
    /// Null (the default): path-style when an endpoint other than AWS's is configured (<c>AWS_ENDPOINT_URL_S3</c>,
    /// <c>AWS_ENDPOINT_URL</c> or <see cref="ServiceUrl"/>), virtual-hosted on AWS.
    /// </summary>
    public bool? ForcePathStyle { get; set; }

    /// <summary>
    /// An S3-compatible endpoint such as <c>http://127.0.0.1:9000</c>; null (the default) reads <c>AWS_ENDPOINT_URL_S3</c>,
    /// then <c>AWS_ENDPOINT_URL</c>, as the AWS SDKs document them, and uses AWS's own endpoints when neither is set.
    /// </summary>
    public string? ServiceUrl { get; set; }

    /// <summary>The size of each part of a multipart upload, and of the buffer each part is read into; default 8 MiB. A file no larger than one part is stored with one PUT.</summary>
    public long PartSizeBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>Parts uploaded at once; an upload holds at most this many part buffers plus the one being filled. Default 4.</summary>
    public int MaxConcurrentParts { get; set; } = 4;

    /// <summary>Problems with these values, each naming its key under <paramref name="section"/>; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate(string section)
    {
        var failures = new List<string>();
        if (PartSizeBytes is < MinPartSizeBytes or > MaxPartSizeBytes)
        {
            failures.Add($"{section}:{nameof(PartSizeBytes)} must lie in {MinPartSizeBytes}..{MaxPartSizeBytes} (5 MiB to 512 MiB), not {PartSizeBytes}");
        }

        if (MaxConcurrentParts is < 1 or > 64)
        {
            failures.Add($"{section}:{nameof(MaxConcurrentParts)} must lie in 1..64, not {MaxConcurrentParts}");
        }

        if (!string.IsNullOrWhiteSpace(ServiceUrl)
            && (!Uri.TryCreate(ServiceUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            failures.Add($"{section}:{nameof(ServiceUrl)} must be an absolute http:// or https:// URL");
        }

        return failures;
    }
}
