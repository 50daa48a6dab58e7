using System.Buffers;
using System.Text;
using Ferry.Core.Serving;

namespace Ferry.Storage.Serving.Log;

/// <summary>
/// Many logged rows of one endpoint, model and version in one compressed value: the unit a per-batch log stores
/// instead of a row per prediction (a row costs about 100 bytes of table and index overhead before its data on either
/// database, which is why the per-row table cannot go below about 180 bytes a row).
/// </summary>
/// <remarks>
/// <para>Layout: one format byte (<see cref="Zstandard"/>), then a Zstandard frame (level <see cref="Level"/>) of the
/// body. The body is column by column so that like values sit together for the compressor: the row count (varint);
/// a flags byte per row; the timestamps (zig-zag varint of the first, then of each difference to the previous row);
/// the latencies (varints); the ids (10 bytes for a version-7 id whose embedded time is the row's timestamp, its 48
/// time bits left out; 16 bytes, big-endian, for any other); the inputs and the outputs as the log's per-row payload
/// blobs (<see cref="PayloadCodec"/>: typed against a schema of <c>prediction_schemas</c>, or raw), each a varint length
/// and its bytes; then, only for the rows whose flag says they have one, the shadow answers' blob, the subject hash,
/// the input digest, the erasure time and the erased reasons.</para>
/// <para>The endpoint, model and version are the block's own columns, not repeated in it. Decoding gives back every
/// field exactly: the payload texts are <see cref="PayloadCodec.Decode(byte[])"/>'s, the texts the per-row log gives.</para>
/// </remarks>
public static class PredictionBlock
{
    /// <summary>The format byte of a Zstandard-compressed block.</summary>
    public const byte Zstandard = 1;

    /// <summary>Zstandard's level: 1, the fastest, compresses the credit pipeline's rows within 2 % of level 3.</summary>
    public const int Level = 1;

    private const byte HasShadow = 1, HasSubject = 2, HasDigest = 4, HasErasedAt = 8, HasReasons = 16, ShortId = 32;
    private const int ShortIdBytes = 10;

    [ThreadStatic]
    private static ZstdSharp.Compressor? _compressor;

    [ThreadStatic]
    private static ZstdSharp.Decompressor? _decompressor;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _body;

    /// <summary>
    /// The block of <paramref name="rows"/> (all of one endpoint, model and version; the caller groups them), in their
    /// order. Their payload blobs are stored as they are, so the schemas they name must be registered with the block.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="rows"/> is empty.</exception>
    public static byte[] Encode(IReadOnlyList<EncodedPrediction> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            throw new ArgumentException("A block holds at least one row.", nameof(rows));
        }

        var body = _body ??= new ArrayBufferWriter<byte>(64 * 1024);
        body.ResetWrittenCount();
        PayloadCodec.WriteVarint(body, (ulong)rows.Count);
        var flags = body.GetSpan(rows.Count)[..rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            flags[i] = Flags(rows[i]);
        }

        body.Advance(rows.Count);
        var previous = 0L;
        foreach (var row in rows)
        {
            PayloadCodec.WriteVarint(body, ZigZag(row.Record.Timestamp - previous));
            previous = row.Record.Timestamp;
        }

        foreach (var row in rows)
        {
            PayloadCodec.WriteVarint(body, ZigZag(row.Record.LatencyMicros));
        }

        foreach (var row in rows)
        {
            WriteId(body, row.Record);
        }

        foreach (var row in rows)
        {
            WriteBytes(body, row.Inputs);
        }

        foreach (var row in rows)
        {
            WriteBytes(body, row.Outputs);
        }

        foreach (var row in rows)
        {
            if (row.ShadowOutputs is { } shadow)
            {
                WriteBytes(body, shadow);
            }
        }

        WriteTexts(body, rows, r => r.SubjectHash);
        WriteTexts(body, rows, r => r.InputDigest);
        foreach (var row in rows)
        {
            if (row.Record.ErasedAt is { } erasedAt)
            {
                PayloadCodec.WriteVarint(body, ZigZag(erasedAt));
            }
        }

        WriteTexts(body, rows, r => r.ErasedReasonsJson);
        var compressor = _compressor ??= new ZstdSharp.Compressor(Level);
        var written = body.WrittenSpan;
        var block = new byte[1 + ZstdSharp.Compressor.GetCompressBound(written.Length)];
        block[0] = Zstandard;
        var length = compressor.Wrap(written, block.AsSpan(1));
        return block.AsSpan(0, 1 + length).ToArray();
    }

    /// <summary>The rows of a block, in the order they were encoded, with their payloads decoded to JSON text.</summary>
    /// <exception cref="InvalidDataException">The block is damaged or of an unknown format.</exception>
    public static PredictionRecord[] Decode(ReadOnlySpan<byte> block, string endpointName, string modelName, int modelVersion)
    {
        if (block.Length < 2 || block[0] != Zstandard)
        {
            throw new InvalidDataException("A prediction block has an unknown format.");
        }

        byte[] body;
        try
        {
            body = (_decompressor ??= new ZstdSharp.Decompressor()).Unwrap(block[1..]).ToArray();
        }
        catch (ZstdSharp.ZstdException e)
        {
            throw new InvalidDataException("A prediction block does not decompress.", e);
        }

        try
        {
            return Read(body, endpointName, modelName, modelVersion);
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException or ArgumentException or OverflowException)
        {
            throw new InvalidDataException("A prediction block is damaged.", e);
        }
    }

    private static PredictionRecord[] Read(byte[] body, string endpointName, string modelName, int modelVersion)
    {
        var at = 0;
        var count = checked((int)ReadVarint(body, ref at));
        if (count < 1 || count > body.Length)
        {
            throw new InvalidDataException("A prediction block's row count is damaged.");
        }

        var flags = body.AsSpan(at, count).ToArray();
        at += count;
        var rows = new PredictionRecord[count];
        var previous = 0L;
        for (var i = 0; i < count; i++)
        {
            previous += UnZigZag(ReadVarint(body, ref at));
            rows[i] = new PredictionRecord { EndpointName = endpointName, ModelName = modelName, ModelVersion = modelVersion, Timestamp = previous };
        }

        foreach (var row in rows)
        {
            row.LatencyMicros = UnZigZag(ReadVarint(body, ref at));
        }

        for (var i = 0; i < count; i++)
        {
            rows[i].Id = ReadId(body, ref at, (flags[i] & ShortId) != 0, rows[i].Timestamp);
        }

        foreach (var row in rows)
        {
            row.InputsJson = PayloadCodec.Decode(ReadBytes(body, ref at));
        }

        foreach (var row in rows)
        {
            row.OutputsJson = PayloadCodec.Decode(ReadBytes(body, ref at));
        }

        for (var i = 0; i < count; i++)
        {
            if ((flags[i] & HasShadow) != 0)
            {
                rows[i].ShadowOutputsJson = PayloadCodec.Decode(ReadBytes(body, ref at));
            }
        }

        ReadTexts(body, ref at, rows, flags, HasSubject, (r, v) => r.SubjectHash = v);
        ReadTexts(body, ref at, rows, flags, HasDigest, (r, v) => r.InputDigest = v);
        for (var i = 0; i < count; i++)
        {
            if ((flags[i] & HasErasedAt) != 0)
            {
                rows[i].ErasedAt = UnZigZag(ReadVarint(body, ref at));
            }
        }

        ReadTexts(body, ref at, rows, flags, HasReasons, (r, v) => r.ErasedReasonsJson = v);
        if (at != body.Length)
        {
            throw new InvalidDataException("A prediction block has bytes after its last column.");
        }

        return rows;
    }

    private static byte Flags(EncodedPrediction row)
    {
        var r = row.Record;
        var flags = 0;
        flags |= row.ShadowOutputs is null ? 0 : HasShadow;
        flags |= r.SubjectHash is null ? 0 : HasSubject;
        flags |= r.InputDigest is null ? 0 : HasDigest;
        flags |= r.ErasedAt is null ? 0 : HasErasedAt;
        flags |= r.ErasedReasonsJson is null ? 0 : HasReasons;
        flags |= PredictionIds.EmbeddedTime(r.Id) == r.Timestamp ? ShortId : 0;
        return (byte)flags;
    }

    private static void WriteId(ArrayBufferWriter<byte> body, PredictionRecord record)
    {
        Span<byte> id = stackalloc byte[16];
        record.Id.TryWriteBytes(id, bigEndian: true, out _);
        var kept = PredictionIds.EmbeddedTime(record.Id) == record.Timestamp ? id[(16 - ShortIdBytes)..] : id;
        kept.CopyTo(body.GetSpan(kept.Length));
        body.Advance(kept.Length);
    }

    private static Guid ReadId(byte[] body, ref int at, bool shortId, long timestamp)
    {
        Span<byte> id = stackalloc byte[16];
        if (shortId)
        {
            for (var i = 0; i < 6; i++)
            {
                id[i] = (byte)(timestamp >> (8 * (5 - i)));
            }

            body.AsSpan(at, ShortIdBytes).CopyTo(id[6..]);
            at += ShortIdBytes;
        }
        else
        {
            body.AsSpan(at, 16).CopyTo(id);
            at += 16;
        }

        return new Guid(id, bigEndian: true);
    }

    private static void WriteTexts(ArrayBufferWriter<byte> body, IReadOnlyList<EncodedPrediction> rows, Func<PredictionRecord, string?> field)
    {
        foreach (var row in rows)
        {
            if (field(row.Record) is { } text)
            {
                var length = Encoding.UTF8.GetByteCount(text);
                PayloadCodec.WriteVarint(body, (ulong)length);
                Encoding.UTF8.GetBytes(text, body.GetSpan(length));
                body.Advance(length);
            }
        }
    }

    private static void ReadTexts(byte[] body, ref int at, PredictionRecord[] rows, byte[] flags, byte flag, Action<PredictionRecord, string> set)
    {
        for (var i = 0; i < rows.Length; i++)
        {
            if ((flags[i] & flag) != 0)
            {
                var length = checked((int)ReadVarint(body, ref at));
                set(rows[i], Encoding.UTF8.GetString(body, at, length));
                at += length;
            }
        }
    }

    private static void WriteBytes(ArrayBufferWriter<byte> body, byte[] bytes)
    {
        PayloadCodec.WriteVarint(body, (ulong)bytes.Length);
        bytes.CopyTo(body.GetSpan(bytes.Length));
        body.Advance(bytes.Length);
    }

    private static byte[] ReadBytes(byte[] body, ref int at)
    {
        var length = checked((int)ReadVarint(body, ref at));
        var bytes = body.AsSpan(at, length).ToArray();
        at += length;
        return bytes;
    }

    private static ulong ReadVarint(byte[] body, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = body[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("A prediction block holds a varint longer than 64 bits.");
    }

    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    private static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);
}
