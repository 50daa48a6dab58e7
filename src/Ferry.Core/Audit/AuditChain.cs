using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Ferry.Core.Audit;

/// <summary>
/// The hash chain over audit events. An event's hash is the lower-case hex SHA-256 of its canonical
/// text: the fields <c>sequence, occurredAt, actor, action, target, summary, previousHash</c>, in that
/// order, each written as a netstring (<c>&lt;UTF-8 byte length&gt;:&lt;value&gt;,</c>), where
/// <c>occurredAt</c> is UTC ISO 8601 with exactly six fractional digits. Length prefixes make the
/// encoding unambiguous (no separator can be forged inside a value) and easy to reproduce in any language.
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
        var text = new StringBuilder();
        foreach (var field in fields)
        {
            text.Append(Encoding.UTF8.GetByteCount(field).ToString(CultureInfo.InvariantCulture)).Append(':').Append(field).Append(',');
        }

        return text.ToString();
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
