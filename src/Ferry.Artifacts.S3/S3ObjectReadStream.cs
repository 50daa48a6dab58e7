using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ferry.Artifacts.S3;

/// <summary>
/// A read-only, seekable view of one S3 object version, read through ranged GETs: the first asks for
/// <see cref="InitialWindow"/> bytes from the current position, and each following one, while reading goes on in order,
/// for twice as many (up to <see cref="MaxWindow"/>); a seek drops the current GET and starts over at the new position.
/// Serving an HTTP Range thus fetches about that range (at most one window more), never the whole object, and a
/// sequential read of a large object takes a handful of GETs. Every GET is pinned to the ETag seen when the stream was opened (<c>If-Match</c>,
/// and the answer's ETag is checked too, for servers that ignore the header): an object replaced or deleted meanwhile
/// makes the read fail with an <see cref="IOException"/> instead of returning a mix of two contents.
/// </summary>
internal sealed class S3ObjectReadStream(IAmazonS3 client, string bucket, string key, long length, string etag) : Stream
{
    /// <summary>The first GET after opening or seeking asks for this many bytes (1 MiB).</summary>
    public const long InitialWindow = 1L << 20;

    /// <summary>The largest GET, reached by doubling while reading in order (64 MiB).</summary>
    public const long MaxWindow = 1L << 26;

    private GetObjectResponse? _response;
    private Stream? _body;
    private long _position;
    private long _bodyEnd; // exclusive end of the current GET's range
    private long _window = InitialWindow;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0 || _position >= length)
        {
            return 0;
        }

        if (_body is not null && _position >= _bodyEnd)
        {
            CloseBody(); // this window is read: the next one is twice as large
            _window = Math.Min(_window * 2, MaxWindow);
        }

        if (_body is null)
        {
            await OpenAsync(cancellationToken);
        }

        var toRead = (int)Math.Min(buffer.Length, _bodyEnd - _position);
        var read = await _body!.ReadAsync(buffer[..toRead], cancellationToken);
        if (read == 0)
        {
            throw new IOException($"S3 object '{key}' ended at byte {_position} of {length}.");
        }

        _position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        // Synchronous callers (rare: the server reads asynchronously) block on the same path.
        var rented = new byte[buffer.Length];
        var read = ReadAsync(rented.AsMemory(), CancellationToken.None).AsTask().GetAwaiter().GetResult();
        rented.AsSpan(0, read).CopyTo(buffer);
        return read;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        if (target != _position)
        {
            CloseBody();
            _position = target;
            _window = InitialWindow;
        }

        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            CloseBody();
        }

        base.Dispose(disposing);
    }

    private async Task OpenAsync(CancellationToken cancellationToken)
    {
        var end = Math.Min(length, _position + _window);
        GetObjectResponse response;
        try
        {
            response = await client.GetObjectAsync(
                new GetObjectRequest { BucketName = bucket, Key = key, ByteRange = new ByteRange(_position, end - 1), EtagToMatch = etag },
                cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            throw new IOException($"S3 object '{key}' was replaced or deleted while it was being read.", e);
        }

        if (!string.Equals(response.ETag, etag, StringComparison.Ordinal))
        {
            response.Dispose();
            throw new IOException($"S3 object '{key}' was replaced while it was being read.");
        }

        _response = response;
        _body = response.ResponseStream;
        _bodyEnd = end;
    }

    private void CloseBody()
    {
        _body?.Dispose();
        _response?.Dispose();
        _body = null;
        _response = null;
    }
}
