using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Ferry.Core.Audit;

/// <summary>
/// The hash chain over audit events. An event's hash is the SHA-256 of a JSON array of its fields,
/// in a fixed order: <c>[sequence, occurredAt, actor, action, target, summary, previousHash]</c>, where
/// <c>occurredAt</c> is UTC in ISO 8601 with exactly six fractional digits. A JSON array is used
/// because it encodes each field unambiguously (no separator can be forged inside a value).
/// </summary>
public static class AuditChain
{
    /// <summary>The <see cref="AuditEvent.PreviousHash"/> of the first event: 64 zeros.</summary>
    public static readonly string GenesisHash = new('0', 64);

    /// <summary>Truncates a time to whole microseconds in UTC, the precision every store keeps.</summary>
    public static DateTimeOffset Normalize(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % 10), TimeSpan.Zero);
    }

    /// <summary>The canonical text that is hashed for an event.</summary>
    public static string CanonicalText(AuditEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        string[] fields =
        [
            e.Sequence.ToString(CultureInfo.InvariantCulture),
            Normalize(e.OccurredAt).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            e.Actor,
            e.Action,
            e.Target,
            e.Summary,
            e.PreviousHash,
        ];
        return JsonSerializer.Serialize(fields);
    }

    /// <summary>Computes the hash an event must carry.</summary>
    public static string ComputeHash(AuditEvent e) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalText(e))));

    /// <summary>Creates the event that follows <paramref name="previous"/> (null for the first) and seals it.</summary>
    public static AuditEvent Append(AuditEvent? previous, DateTimeOffset now, string actor, AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var e = new AuditEvent
        {
            Sequence = (previous?.Sequence ?? 0) + 1,
            OccurredAt = Normalize(now),
            Actor = actor,
            Action = record.Action,
            Target = record.Target,
            Summary = record.Summary,
            PreviousHash = previous?.Hash ?? GenesisHash,
            Hash = string.Empty,
        };
        e.Hash = ComputeHash(e);
        return e;
    }
}
