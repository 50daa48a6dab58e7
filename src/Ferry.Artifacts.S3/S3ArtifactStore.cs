using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Ferry.Core.Artifacts;
using Ferry.Core.Errors;

namespace Ferry.Artifacts.S3;

/// <summary>
/// Stores artifacts as objects in an S3 bucket under a key prefix (the <c>s3://bucket/prefix</c> store), on AWS or
/// any S3-compatible server.
/// </summary>
/// <remarks>
/// <para>
/// A write streams the content through bounded part buffers (<see cref="S3StoreOptions.PartSizeBytes"/>, at most
/// <see cref="S3StoreOptions.MaxConcurrentParts"/> in flight) and hashes it on the way. Content that fits in one part is
/// stored with one PUT that carries its SHA-256 in the object's metadata (<c>x-amz-meta-sha256</c>). Larger content
/// goes by multipart upload to a temporary key under <c>&lt;prefix&gt;/.ferry/tmp/</c>; once the hash is known the
/// object is copied server-side onto its key with the hash in its replaced metadata, and the temporary key deleted.
/// Either way the target key changes in one step: readers see the old object or the whole new one, with its hash.
/// </para>
/// <para>
/// <see cref="OpenReadAsync"/> returns a seekable stream that fetches ranges on demand (one GET from the current
/// position, a new one after a seek), pinned to the object's ETag: if the object is replaced while it is read, the
/// read fails rather than mixing two contents. Listing follows MLflow's semantics over S3's delimiter listing. Every
/// path goes through <see cref="ArtifactPath"/>, and keys are only ever made by appending a normalised path to the prefix.
/// </para>
/// </remarks>
public sealed class S3ArtifactStore : IArtifactStore, IDisposable
{
    /// <summary>The user-metadata name that holds the lower-case hex SHA-256 (<c>x-amz-meta-sha256</c> on the wire).</summary>
    public const string Sha256MetadataName = "sha256";

    /// <summary>The largest object a single server-side copy can write (S3's limit: 5 GiB).</summary>
    public const long MaxSingleCopyBytes = 5L * 1024 * 1024 * 1024;

    /// <summary>S3's most parts in one multipart upload: an object can be at most this many times the part size.</summary>
    public const int MaxParts = 10_000;

    private const long CopyPartBytes = 512L * 1024 * 1024;
    private const int DeleteBatchSize = 1000; // S3's limit per DeleteObjects request

    private readonly IAmazonS3 _client;
    private readonly bool _ownsClient;
    private readonly S3ArtifactLocation _location;
    private readonly int _partSize;
    private readonly int _maxConcurrentParts;
    private readonly ArrayPool<byte> _partBuffers;
    private readonly string _endpointForMessages;
    private volatile bool _bucketChecked;

    /// <summary>Opens the store on <paramref name="location"/> through <paramref name="client"/>.</summary>
    /// <param name="client">The S3 client (its endpoint, region, credentials and addressing).</param>
    /// <param name="location">The bucket and key prefix.</param>
    /// <param name="options">Part size and upload concurrency; <see cref="S3StoreOptions.Validate"/> must pass.</param>
    /// <param name="ownsClient">Whether disposing the store disposes the client.</param>
    public S3ArtifactStore(IAmazonS3 client, S3ArtifactLocation location, S3StoreOptions options, bool ownsClient = false)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(options);
        var failures = options.Validate("options");
        if (failures.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", failures), nameof(options));
        }

        _client = client;
        _ownsClient = ownsClient;
        _location = location;
        _partSize = checked((int)options.PartSizeBytes);
        _maxConcurrentParts = options.MaxConcurrentParts;
        _partBuffers = ArrayPool<byte>.Create(_partSize, _maxConcurrentParts + 1);
        _endpointForMessages = client.Config.ServiceURL is { Length: > 0 } url ? url : "AWS S3";
        if (client is AmazonServiceClient service)
        {
            service.BeforeRequestEvent += LiteralSlashesInCopySource;
        }
    }

    /// <summary>
    /// Creates the store for an <c>s3://bucket/prefix</c> root with a client configured from the AWS SDK's default
    /// chains (region, credentials) and the endpoint variables <c>AWS_ENDPOINT_URL_S3</c> and <c>AWS_ENDPOINT_URL</c>.
    /// </summary>
    /// <param name="root">The artifact root, <c>s3://bucket</c> or <c>s3://bucket/prefix</c>.</param>
    /// <param name="options">Addressing, endpoint, part size and concurrency.</param>
    /// <param name="environment">Reads an environment variable (tests pass their own).</param>
    public static S3ArtifactStore Create(string root, S3StoreOptions options, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        var location = S3ArtifactLocation.Parse(root);
        return new S3ArtifactStore(new AmazonS3Client(CreateConfig(options, environment)), location, options, ownsClient: true);
    }

    /// <summary>
    /// The client configuration <see cref="Create"/> uses: the endpoint from <see cref="S3StoreOptions.ServiceUrl"/>,
    /// else <c>AWS_ENDPOINT_URL_S3</c>, else <c>AWS_ENDPOINT_URL</c>; path-style addressing for such an endpoint unless
    /// <see cref="S3StoreOptions.ForcePathStyle"/> says otherwise; the region from the SDK's chain.
    /// </summary>
    public static AmazonS3Config CreateConfig(S3StoreOptions options, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        var config = new AmazonS3Config();
        var endpoint = EndpointOf(options, environment);
        if (endpoint is not null)
        {
            config.ServiceURL = endpoint;
            config.ForcePathStyle = options.ForcePathStyle ?? true;
            // Many S3-compatible servers know neither the flexible checksums nor aws-chunked trailers; Ferry keeps
            // its own SHA-256, and SigV4 still signs every payload.
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
            if (string.IsNullOrWhiteSpace(environment("AWS_REGION")) && string.IsNullOrWhiteSpace(environment("AWS_DEFAULT_REGION")))
            {
                config.AuthenticationRegion = "us-east-1"; // signatures need one; such servers rarely care which
            }
        }
        else
        {
            config.ForcePathStyle = options.ForcePathStyle ?? false;
        }

        return config;
    }

    /// <summary>The non-AWS endpoint the options and environment name, or null for AWS's own.</summary>
    public static string? EndpointOf(S3StoreOptions options, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        foreach (var candidate in new[] { options.ServiceUrl, environment("AWS_ENDPOINT_URL_S3"), environment("AWS_ENDPOINT_URL") })
        {
            if (!string.IsNullOrWhiteSpace(candidate))
            {
                return candidate.Trim();
            }
        }

        return null;
    }

    /// <summary>The bucket and prefix this store writes under.</summary>
    public S3ArtifactLocation Location => _location;

    /// <inheritdoc />
    /// <exception cref="ConflictException">The path is a directory (keys exist below it), or one of its parents is a file.</exception>
    /// <exception cref="ArtifactStoreUnavailableException">The bucket is missing, the credentials are missing or refused, or the endpoint is unreachable.</exception>
    public async Task<ArtifactInfo> PutAsync(string path, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var relative = ArtifactPath.Normalize(path);
        cancellationToken.ThrowIfCancellationRequested();
        var key = _location.KeyOf(relative);
        try
        {
            await EnsureBucketAsync(cancellationToken);
            await EnsureWritableAsync(relative, cancellationToken);

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var first = _partBuffers.Rent(_partSize);
            int filled;
            try
            {
                filled = await FillAsync(content, first, hash, cancellationToken);
            }
            catch
            {
                _partBuffers.Return(first);
                throw;
            }

            string sha256;
            long length;
            if (filled < _partSize)
            {
                try
                {
                    sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
                    length = filled;
                    cancellationToken.ThrowIfCancellationRequested();
                    var request = new PutObjectRequest
                    {
                        BucketName = _location.Bucket,
                        Key = key,
                        InputStream = new MemoryStream(first, 0, filled, writable: false),
                        AutoCloseStream = true,
                        UseChunkEncoding = false,
                        ContentType = "application/octet-stream",
                    };
                    request.Metadata[Sha256MetadataName] = sha256;
                    await _client.PutObjectAsync(request, cancellationToken);
                }
                finally
                {
                    _partBuffers.Return(first);
                }
            }
            else
            {
                (sha256, length) = await PutMultipartAsync(key, content, first, hash, cancellationToken);
            }

            var stored = await HeadAsync(key, cancellationToken)
                ?? throw new IOException($"Artifact '{relative}' was written but is gone: it was deleted concurrently.");
            return new ArtifactInfo(relative, length, sha256, LastModifiedOf(stored));
        }
        catch (Exception e) when (Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    /// <inheritdoc />
    /// <remarks>The stream is seekable (for HTTP Range): it fetches from S3 from its position on, one GET per seek.</remarks>
    public async Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var relative = ArtifactPath.Normalize(path);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await EnsureBucketAsync(cancellationToken);
            var key = _location.KeyOf(relative);
            var head = await HeadAsync(key, cancellationToken)
                ?? throw new NotFoundException($"Artifact '{relative}' does not exist.");
            return new S3ObjectReadStream(_client, _location.Bucket, key, head.ContentLength, head.ETag);
        }
        catch (Exception e) when (Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    /// <inheritdoc />
    /// <remarks>An object written by other means, without the hash in its metadata, is hashed by reading it (not stored back).</remarks>
    public async Task<ArtifactInfo?> GetInfoAsync(string path, CancellationToken cancellationToken = default)
    {
        var relative = ArtifactPath.Normalize(path);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await EnsureBucketAsync(cancellationToken);
            var key = _location.KeyOf(relative);
            var head = await HeadAsync(key, cancellationToken);
            if (head is null)
            {
                return null;
            }

            var sha256 = Sha256Of(head);
            if (sha256 is null)
            {
                await using var stream = new S3ObjectReadStream(_client, _location.Bucket, key, head.ContentLength, head.ETag);
                sha256 = await HashAsync(stream, cancellationToken);
            }

            return new ArtifactInfo(relative, head.ContentLength, sha256, LastModifiedOf(head));
        }
        catch (Exception e) when (Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ArtifactEntry> ListAsync(string directory, bool recursive = false, CancellationToken cancellationToken = default)
    {
        var relative = ArtifactPath.NormalizeDirectory(directory); // refuses bad paths now, not on the first MoveNext
        return ListCoreAsync(relative, recursive, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Deletes the object at the path and every object below it (in batches of 1000).</remarks>
    /// <exception cref="InvalidArtifactPathException">The path is invalid, or <c>""</c> (the root cannot be deleted).</exception>
    public async Task<bool> DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        var relative = ArtifactPath.Normalize(path); // refuses "": the root is not deletable
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await EnsureBucketAsync(cancellationToken);
            var key = _location.KeyOf(relative);
            var deleted = false;
            if (await HeadAsync(key, cancellationToken) is not null)
            {
                await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _location.Bucket, Key = key }, cancellationToken);
                deleted = true;
            }

            var batch = new List<KeyVersion>(DeleteBatchSize);
            await foreach (var item in ListObjectsAsync(key + "/", delimiter: null, cancellationToken))
            {
                if (item.Key is { } below)
                {
                    batch.Add(new KeyVersion { Key = below });
                }

                if (batch.Count == DeleteBatchSize)
                {
                    await DeleteBatchAsync(batch, cancellationToken);
                    deleted = true;
                    batch.Clear();
                }
            }

            if (batch.Count > 0)
            {
                await DeleteBatchAsync(batch, cancellationToken);
                deleted = true;
            }

            return deleted;
        }
        catch (Exception e) when (Translate(e) is { } translated)
        {
            throw translated;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_client is AmazonServiceClient service)
        {
            service.BeforeRequestEvent -= LiteralSlashesInCopySource;
        }

        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    /// <summary>
    /// The SDK percent-encodes every '/' of a copy's source (<c>bucket%2Fkey</c>); S3 takes that, but some compatible
    /// servers (s3rver among them) split the bucket from the key on a literal '/' only. Sending the separators literally,
    /// as the AWS CLI does, suits both. Safe because an artifact path never holds a percent-encoded '/' (ArtifactPath
    /// refuses <c>%2F</c> and <c>%25</c>), so every <c>%2F</c> in the header stands for a separator.
    /// </summary>
    private static void LiteralSlashesInCopySource(object sender, RequestEventArgs e)
    {
        if (e is WebServiceRequestEventArgs { Headers: { } headers } && headers.TryGetValue("x-amz-copy-source", out var source))
        {
            headers["x-amz-copy-source"] = source.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>Multipart upload to a temporary key, then a server-side copy onto <paramref name="key"/> with the hash in its metadata.</summary>
    private async Task<(string Sha256, long Length)> PutMultipartAsync(
        string key, Stream content, byte[] first, IncrementalHash hash, CancellationToken cancellationToken)
    {
        var temp = _location.PrefixOf(ArtifactPath.ReservedSegment + "/tmp") + Guid.NewGuid().ToString("N");
        string? uploadId = null;
        using var failure = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var inFlight = new List<Task<PartETag>>();
        var current = first;
        var owned = true; // whether 'current' still has to be returned here
        try
        {
            uploadId = (await _client.InitiateMultipartUploadAsync(
                new InitiateMultipartUploadRequest { BucketName = _location.Bucket, Key = temp, ContentType = "application/octet-stream" },
                failure.Token)).UploadId;

            long length = 0;
            var filled = _partSize;
            for (var partNumber = 1; ; partNumber++)
            {
                length += filled;
                owned = false;
                inFlight.Add(UploadPartAsync(temp, uploadId, partNumber, current, filled, failure.Token));
                if (filled < _partSize)
                {
                    break; // that was the last part
                }

                while (inFlight.Count(t => !t.IsCompleted) >= _maxConcurrentParts)
                {
                    await await Task.WhenAny(inFlight.Where(t => !t.IsCompleted)); // rethrows a failed part at once
                }

                foreach (var done in inFlight.Where(t => t.IsFaulted || t.IsCanceled))
                {
                    await done;
                }

                if (partNumber == MaxParts)
                {
                    throw new IOException($"The content is larger than S3 takes in one upload of {MaxParts} parts of {_partSize} bytes; raise Ferry:ArtifactStore:S3:PartSizeBytes.");
                }

                current = _partBuffers.Rent(_partSize);
                owned = true;
                filled = await FillAsync(content, current, hash, cancellationToken);
                if (filled == 0)
                {
                    _partBuffers.Return(current);
                    owned = false;
                    break;
                }
            }

            var parts = await Task.WhenAll(inFlight);
            var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            await _client.CompleteMultipartUploadAsync(
                new CompleteMultipartUploadRequest { BucketName = _location.Bucket, Key = temp, UploadId = uploadId, PartETags = [.. parts] },
                cancellationToken);
            uploadId = null;

            // Last point at which cancelling still leaves the previous content in place.
            cancellationToken.ThrowIfCancellationRequested();
            await CopyWithHashAsync(temp, key, length, sha256, cancellationToken);
            return (sha256, length);
        }
        catch
        {
            await failure.CancelAsync();
            if (owned)
            {
                _partBuffers.Return(current);
            }

            await Task.WhenAll(inFlight).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            if (uploadId is not null)
            {
                await AbortQuietlyAsync(temp, uploadId);
            }

            throw;
        }
        finally
        {
            await DeleteQuietlyAsync(temp);
        }
    }

    private async Task<PartETag> UploadPartAsync(string key, string uploadId, int partNumber, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.UploadPartAsync(
                new UploadPartRequest
                {
                    BucketName = _location.Bucket,
                    Key = key,
                    UploadId = uploadId,
                    PartNumber = partNumber,
                    PartSize = count,
                    InputStream = new MemoryStream(buffer, 0, count, writable: false),
                    UseChunkEncoding = false,
                },
                cancellationToken);
            return new PartETag(partNumber, response.ETag);
        }
        finally
        {
            _partBuffers.Return(buffer);
        }
    }

    /// <summary>Copies the uploaded object onto its key with the hash in its (replaced) metadata: one copy up to 5 GiB, a multipart copy above.</summary>
    private async Task CopyWithHashAsync(string source, string key, long length, string sha256, CancellationToken cancellationToken)
    {
        if (length <= MaxSingleCopyBytes)
        {
            var copy = new CopyObjectRequest
            {
                SourceBucket = _location.Bucket,
                SourceKey = source,
                DestinationBucket = _location.Bucket,
                DestinationKey = key,
                MetadataDirective = S3MetadataDirective.REPLACE,
                ContentType = "application/octet-stream",
            };
            copy.Metadata[Sha256MetadataName] = sha256;
            await _client.CopyObjectAsync(copy, cancellationToken);
            return;
        }

        var initiate = new InitiateMultipartUploadRequest { BucketName = _location.Bucket, Key = key, ContentType = "application/octet-stream" };
        initiate.Metadata[Sha256MetadataName] = sha256;
        var uploadId = (await _client.InitiateMultipartUploadAsync(initiate, cancellationToken)).UploadId;
        try
        {
            var parts = new List<PartETag>();
            var partNumber = 1;
            for (long start = 0; start < length; start += CopyPartBytes, partNumber++)
            {
                var response = await _client.CopyPartAsync(
                    new CopyPartRequest
                    {
                        SourceBucket = _location.Bucket,
                        SourceKey = source,
                        DestinationBucket = _location.Bucket,
                        DestinationKey = key,
                        UploadId = uploadId,
                        PartNumber = partNumber,
                        FirstByte = start,
                        LastByte = Math.Min(start + CopyPartBytes, length) - 1,
                    },
                    cancellationToken);
                parts.Add(new PartETag(partNumber, response.ETag));
            }

            await _client.CompleteMultipartUploadAsync(
                new CompleteMultipartUploadRequest { BucketName = _location.Bucket, Key = key, UploadId = uploadId, PartETags = parts },
                cancellationToken);
        }
        catch
        {
            await AbortQuietlyAsync(key, uploadId);
            throw;
        }
    }

    private async Task AbortQuietlyAsync(string key, string uploadId)
    {
        try
        {
            await _client.AbortMultipartUploadAsync(
                new AbortMultipartUploadRequest { BucketName = _location.Bucket, Key = key, UploadId = uploadId }, CancellationToken.None);
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException)
        {
            // Left for the bucket's lifecycle rule on incomplete multipart uploads (see docs/artifacts-s3.md).
        }
    }

    private async Task DeleteQuietlyAsync(string key)
    {
        try
        {
            await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _location.Bucket, Key = key }, CancellationToken.None);
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException)
        {
            // A leftover under .ferry/tmp is never listed nor addressable; a lifecycle rule can expire it.
        }
    }

    /// <summary>Reads until <paramref name="buffer"/> holds a whole part or the content ends; hashes what it read.</summary>
    private async Task<int> FillAsync(Stream content, byte[] buffer, IncrementalHash hash, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < _partSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var read = await content.ReadAsync(buffer.AsMemory(filled, _partSize - filled), cancellationToken);
            if (read == 0)
            {
                break;
            }

            hash.AppendData(buffer, filled, read);
            filled += read;
        }

        cancellationToken.ThrowIfCancellationRequested();
        return filled;
    }

    private async Task EnsureWritableAsync(string relative, CancellationToken cancellationToken)
    {
        var below = ListObjectsAsync(_location.KeyOf(relative) + "/", delimiter: null, cancellationToken, maxKeys: 1);
        await foreach (var _ in below)
        {
            throw new ConflictException($"Artifact '{relative}' cannot be written: it is a directory.");
        }

        var parents = new List<string>();
        for (var slash = relative.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = relative.IndexOf('/', slash + 1))
        {
            parents.Add(relative[..slash]);
        }

        var heads = await Task.WhenAll(parents.Select(p => HeadAsync(_location.KeyOf(p), cancellationToken)));
        for (var i = 0; i < parents.Count; i++)
        {
            if (heads[i] is not null)
            {
                throw new ConflictException($"Artifact '{relative}' cannot be written: '{parents[i]}' is a file.");
            }
        }
    }

    private async IAsyncEnumerable<ArtifactEntry> ListCoreAsync(string relative, bool recursive, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<ArtifactEntry> entries;
        try
        {
            await EnsureBucketAsync(cancellationToken);
            entries = await CollectAsync(relative, recursive, cancellationToken);
        }
        catch (Exception e) when (Translate(e) is { } translated)
        {
            throw translated;
        }

        foreach (var entry in entries)
        {
            yield return entry;
        }
    }

    private async Task<List<ArtifactEntry>> CollectAsync(string relative, bool recursive, CancellationToken cancellationToken)
    {
        var rootPrefix = _location.PrefixOf("");
        var prefix = _location.PrefixOf(relative);
        var entries = new List<ArtifactEntry>();
        var directories = new HashSet<string>(StringComparer.Ordinal);
        var request = new ListObjectsV2Request { BucketName = _location.Bucket, Prefix = prefix, Delimiter = recursive ? null : "/" };
        ListObjectsV2Response response;
        do
        {
            response = await _client.ListObjectsV2Async(request, cancellationToken);
            foreach (var item in response.S3Objects ?? [])
            {
                var path = item.Key[rootPrefix.Length..];
                if (IsAddressable(path))
                {
                    entries.Add(new ArtifactEntry(path, IsDirectory: false, item.Size ?? 0));
                }
            }

            foreach (var common in response.CommonPrefixes ?? [])
            {
                var path = common[rootPrefix.Length..].TrimEnd('/');
                if (IsAddressable(path) && directories.Add(path))
                {
                    entries.Add(new ArtifactEntry(path, IsDirectory: true, Length: null));
                }
            }

            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true);

        entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return entries;
    }

    private async IAsyncEnumerable<S3Object> ListObjectsAsync(
        string prefix, string? delimiter, [EnumeratorCancellation] CancellationToken cancellationToken, int? maxKeys = null)
    {
        var request = new ListObjectsV2Request { BucketName = _location.Bucket, Prefix = prefix, Delimiter = delimiter, MaxKeys = maxKeys };
        ListObjectsV2Response response;
        do
        {
            response = await _client.ListObjectsV2Async(request, cancellationToken);
            foreach (var item in response.S3Objects ?? [])
            {
                yield return item;
            }

            request.ContinuationToken = response.NextContinuationToken;
        }
        while (maxKeys is null && response.IsTruncated == true);
    }

    private async Task DeleteBatchAsync(List<KeyVersion> batch, CancellationToken cancellationToken)
    {
        var response = await _client.DeleteObjectsAsync(
            new DeleteObjectsRequest { BucketName = _location.Bucket, Objects = [.. batch], Quiet = true }, cancellationToken);
        if (response.DeleteErrors is { Count: > 0 } errors)
        {
            throw new IOException($"S3 did not delete {errors.Count} object(s), the first '{errors[0].Key}': {errors[0].Code} {errors[0].Message}");
        }
    }

    private async Task<GetObjectMetadataResponse?> HeadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _location.Bucket, Key = key }, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// Checks once (until it succeeds) that the bucket exists and the credentials are accepted: a HEAD of a missing
    /// object in a missing bucket answers 404 just like a missing object, so the bucket is asked about by a listing.
    /// </summary>
    private async Task EnsureBucketAsync(CancellationToken cancellationToken)
    {
        if (_bucketChecked)
        {
            return;
        }

        await _client.ListObjectsV2Async(
            new ListObjectsV2Request { BucketName = _location.Bucket, Prefix = _location.PrefixOf(""), MaxKeys = 1 }, cancellationToken);
        _bucketChecked = true;
    }

    private static string? Sha256Of(GetObjectMetadataResponse head)
    {
        var value = head.Metadata[Sha256MetadataName];
        return value is { Length: 64 } && value.All(char.IsAsciiHexDigitLower) ? value : null;
    }

    private static DateTimeOffset LastModifiedOf(GetObjectMetadataResponse head) =>
        head.LastModified is { } modified
            ? new DateTimeOffset(DateTime.SpecifyKind(modified.ToUniversalTime(), DateTimeKind.Utc))
            : DateTimeOffset.UnixEpoch;

    private static async Task<string> HashAsync(Stream stream, CancellationToken cancellationToken) =>
        Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));

    private static bool IsAddressable(string relative)
    {
        try
        {
            ArtifactPath.Normalize(relative);
            return true;
        }
        catch (InvalidArtifactPathException)
        {
            return false;
        }
    }

    /// <summary>
    /// The stated error for a failure that means "the store is unavailable or misconfigured"; null for anything else
    /// (which propagates as it is). Messages name the bucket, the endpoint and the S3 error code, never a secret.
    /// </summary>
    private ArtifactStoreUnavailableException? Translate(Exception exception)
    {
        var where = $"{_location} at {_endpointForMessages}";
        switch (exception)
        {
            case FerryException or OperationCanceledException:
                return null;
            case AmazonS3Exception { ErrorCode: "NoSuchBucket" }:
                return new ArtifactStoreUnavailableException($"The artifact store's bucket '{_location.Bucket}' does not exist ({where}).", exception);
            case AmazonS3Exception { ErrorCode: "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "ExpiredToken" or "InvalidToken" or "TokenRefreshRequired" } s3:
                return new ArtifactStoreUnavailableException(
                    $"S3 refused Ferry's credentials ({s3.ErrorCode}) for {where}; check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE or the role.", exception);
            case AmazonS3Exception { StatusCode: HttpStatusCode.Forbidden } s3:
                return new ArtifactStoreUnavailableException($"S3 denied Ferry access ({s3.ErrorCode}) to {where}; check the credentials' permissions on the bucket.", exception);
            case AmazonServiceException { StatusCode: HttpStatusCode.ServiceUnavailable or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout } s3:
                return new ArtifactStoreUnavailableException($"The artifact store {where} is unavailable ({(int)s3.StatusCode} {s3.ErrorCode}).", exception);
            case AmazonServiceException or AmazonClientException when Find<HttpRequestException>(exception) is { } http:
                return new ArtifactStoreUnavailableException($"The artifact store {where} cannot be reached: {http.Message}", exception);
            case HttpRequestException or SocketException:
                return new ArtifactStoreUnavailableException($"The artifact store {where} cannot be reached: {exception.Message}", exception);
            case AmazonClientException client when client.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase):
                return new ArtifactStoreUnavailableException(
                    $"No AWS credentials were found for {where}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run with a role.", exception);
            case AmazonClientException client:
                return new ArtifactStoreUnavailableException($"The artifact store {where} cannot be used: {client.Message}", exception);
            default:
                return null;
        }
    }

    private static T? Find<T>(Exception? exception)
        where T : Exception
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }
        }

        return null;
    }
}
