using System.Buffers.Binary;

namespace Ferry.Core.Governance;

/// <summary>
/// Version-7 GUIDs that increase strictly within this process, for rows read back in the order they were made (webhook
/// deliveries). <see cref="Guid.CreateVersion7()"/> orders by the millisecond only: two made in the same millisecond
/// compare in random order. Here a GUID that would not sort after the last one issued is the last one plus one (in its
/// random low bits), so the order holds as the database compares them (byte by byte, or as upper-case text on SQLite).
/// </summary>
public static class MonotonicGuid
{
    private static readonly Lock Gate = new();
    private static UInt128 _last;

    /// <summary>The next GUID: version 7, after every GUID this method returned before in this process.</summary>
    public static Guid Next()
    {
        Span<byte> bytes = stackalloc byte[16];
        Guid.CreateVersion7().TryWriteBytes(bytes, bigEndian: true, out _);
        var value = BinaryPrimitives.ReadUInt128BigEndian(bytes);
        lock (Gate)
        {
            if (value <= _last)
            {
                value = _last + 1;
            }

            _last = value;
        }

        BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        return new Guid(bytes, bigEndian: true);
    }
}
