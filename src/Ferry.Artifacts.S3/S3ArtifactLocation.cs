using Ferry.Core.Artifacts;

namespace Ferry.Artifacts.S3;

/// <summary>
/// Where an <c>s3://bucket/prefix</c> artifact root points: a bucket and a key prefix. The prefix follows the same
/// rules as an artifact directory (<see cref="ArtifactPath.NormalizeDirectory"/>), so it cannot climb or hide anything.
/// </summary>
/// <param name="Bucket">The bucket's name.</param>
/// <param name="Prefix">The key prefix without a trailing '/'; <c>""</c> for the whole bucket.</param>
public sealed record S3ArtifactLocation(string Bucket, string Prefix)
{
    /// <summary>The URI scheme this store answers to.</summary>
    public const string Scheme = "s3";

    /// <summary>Parses <c>s3://bucket</c> or <c>s3://bucket/prefix</c> (a trailing '/' is dropped).</summary>
    /// <exception cref="ArgumentException">It is not an s3:// URI, its bucket name is not a valid S3 bucket name, or its prefix is not a valid artifact directory.</exception>
    public static S3ArtifactLocation Parse(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        const string start = Scheme + "://";
        if (!root.StartsWith(start, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"The artifact root '{root}' is not an s3:// URI.", nameof(root));
        }

        var rest = root[start.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? "" : rest[(slash + 1)..];
        if (!IsValidBucketName(bucket))
        {
            throw new ArgumentException(
                $"The artifact root '{root}' names the bucket '{bucket}', which is not a valid S3 bucket name (3 to 63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit).",
                nameof(root));
        }

        try
        {
            return new S3ArtifactLocation(bucket, ArtifactPath.NormalizeDirectory(prefix));
        }
        catch (InvalidArtifactPathException e)
        {
            throw new ArgumentException($"The artifact root '{root}' has an invalid key prefix: {e.Reason}.", nameof(root), e);
        }
    }

    /// <summary>The object key of a normalised artifact path.</summary>
    public string KeyOf(string relative) => Prefix.Length == 0 ? relative : Prefix + "/" + relative;

    /// <summary>The key prefix of everything under a normalised directory (<c>""</c> for the root), ending in '/' unless it is the bucket's root.</summary>
    public string PrefixOf(string relativeDirectory) =>
        relativeDirectory.Length == 0 ? (Prefix.Length == 0 ? "" : Prefix + "/") : KeyOf(relativeDirectory) + "/";

    /// <inheritdoc />
    public override string ToString() => Prefix.Length == 0 ? $"s3://{Bucket}" : $"s3://{Bucket}/{Prefix}";

    private static bool IsValidBucketName(string name) =>
        name.Length is >= 3 and <= 63
        && (char.IsAsciiLetterLower(name[0]) || char.IsAsciiDigit(name[0]))
        && (char.IsAsciiLetterLower(name[^1]) || char.IsAsciiDigit(name[^1]))
        && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-')
        && !name.Contains("..", StringComparison.Ordinal);
}
