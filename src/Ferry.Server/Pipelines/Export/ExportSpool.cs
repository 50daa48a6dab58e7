namespace Ferry.Server.Pipelines.Export;

/// <summary>
/// A write-only stream between the Parquet writer and a destination that may not seek or take synchronous writes (an
/// HTTP response body): writes land in memory and count toward <see cref="Position"/>, and <see cref="DrainAsync"/>
/// moves them on. Drained after every row group, it holds at most one encoded row group.
/// </summary>
internal sealed class ExportSpool(Stream destination) : Stream
{
    private readonly MemoryStream _pending = new();
    private long _drained;

    /// <summary>Bytes moved on to the destination so far.</summary>
    public long Drained => _drained;

    /// <inheritdoc />
    public override bool CanRead => false;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => true;

    /// <inheritdoc />
    public override long Length => _drained + _pending.Length;

    /// <inheritdoc />
    public override long Position
    {
        get => Length;
        set => throw new NotSupportedException();
    }

    /// <summary>Writes what is pending to the destination.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        if (_pending.Length == 0)
        {
            return;
        }

        await destination.WriteAsync(_pending.GetBuffer().AsMemory(0, (int)_pending.Length), cancellationToken);
        await destination.FlushAsync(cancellationToken);
        _drained += _pending.Length;
        _pending.SetLength(0);
    }

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => _pending.Write(buffer, offset, count);

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer) => _pending.Write(buffer);

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        _pending.Write(buffer, offset, count);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _pending.Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _pending.Dispose();
        }

        base.Dispose(disposing);
    }
}
