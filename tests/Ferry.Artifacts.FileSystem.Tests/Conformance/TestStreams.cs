using System.Security.Cryptography;

namespace Ferry.Artifacts.Conformance;

/// <summary>A read-only, non-seekable source stream; subclasses say what each read returns.</summary>
internal abstract class SourceStream : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public abstract override int Read(Span<byte> buffer);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));
}

/// <summary>
/// <paramref name="length"/> pseudo-random bytes made on the fly (never held in memory), hashed independently
/// of the store as they are handed out.
/// </summary>
internal sealed class GeneratedStream(long length, int seed = 42) : SourceStream
{
    private readonly Random _random = new(seed);
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _produced;

    public string Sha256 => _produced == length
        ? Convert.ToHexStringLower(_hash.GetCurrentHash())
        : throw new InvalidOperationException("The stream has not been read to its end.");

    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, length - _produced);
        var chunk = buffer[..count];
        _random.NextBytes(chunk);
        _hash.AppendData(chunk);
        _produced += count;
        return count;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>Hands out <paramref name="bytesBeforeFailure"/> bytes, then fails like a dropped upload.</summary>
internal sealed class FailingStream(int bytesBeforeFailure) : SourceStream
{
    private int _produced;

    public override int Read(Span<byte> buffer)
    {
        if (_produced >= bytesBeforeFailure)
        {
            throw new IOException("The client went away.");
        }

        var count = Math.Min(buffer.Length, bytesBeforeFailure - _produced);
        buffer[..count].Fill((byte)'x');
        _produced += count;
        return count;
    }
}

/// <summary>An endless stream that cancels <paramref name="source"/> once it has handed out <paramref name="cancelAfter"/> bytes.</summary>
internal sealed class CancellingStream(CancellationTokenSource source, int cancelAfter) : SourceStream
{
    private int _produced;

    public override int Read(Span<byte> buffer)
    {
        if (_produced >= cancelAfter)
        {
            source.Cancel();
        }

        buffer.Fill((byte)'y');
        _produced += buffer.Length;
        return buffer.Length;
    }
}
