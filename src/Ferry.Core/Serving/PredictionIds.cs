namespace Ferry.Core.Serving;

/// <summary>
/// Prediction ids are version-7 GUIDs made from the same millisecond as the prediction's <c>Timestamp</c> (the router
/// creates both from one clock reading), so an id names the time it was served: lookups by id can name the partition.
/// </summary>
public static class PredictionIds
{
    /// <summary>The epoch-ms time embedded in a version-7 GUID, or null for any other version.</summary>
    public static long? EmbeddedTime(Guid id)
    {
        if (id.Version != 7)
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        long ms = 0;
        for (var i = 0; i < 6; i++)
        {
            ms = (ms << 8) | bytes[i];
        }

        return ms;
    }

    /// <summary>The distinct embedded times of the version-7 ids among <paramref name="ids"/>.</summary>
    public static long[] EmbeddedTimes(IEnumerable<Guid> ids) => [.. ids.Select(EmbeddedTime).OfType<long>().Distinct()];
}
