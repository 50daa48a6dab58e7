using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Ferry.Core.Oversight;

/// <summary>
/// Digests of logged decisions that outlive their personal data. An erased prediction keeps
/// <see cref="Input"/> of the inputs it had, so the seals over it still verify.
/// </summary>
/// <remarks>
/// A seal's leaf for a row is its 16-byte id (RFC 4122 byte order, as Python's <c>uuid.UUID(...).bytes</c>) followed by
/// the first 16 bytes of the SHA-256 of the row's canonical text: netstrings (<c>&lt;UTF-8 byte length&gt;:&lt;value&gt;,</c>,
/// as <see cref="Audit.AuditChain"/>) of, for a prediction, <c>prediction, id, endpoint, model, version, timestamp,
/// input digest, output digest, subject hash</c> and, for a review, <c>review, id, prediction id, action, outcome,
/// reason, actor, createdAt</c>; ids lower-case with hyphens, times epoch ms, absent values empty.
/// </remarks>
public static class PredictionDigests
{
    /// <summary>Bytes per leaf: the 16-byte id and the first 16 bytes of the row's digest.</summary>
    public const int LeafSize = 32;

    /// <summary>Lower-case hex SHA-256 of a logged inputs (or outputs) JSON text, as stored (UTF-8).</summary>
    public static string Input(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
    }

    /// <summary>The canonical text of a logged prediction; <paramref name="inputDigest"/> is <see cref="Input"/> of its inputs (kept when erased).</summary>
    public static string PredictionText(Guid id, string endpointName, string modelName, int modelVersion, long timestampMs, string inputDigest, string outputDigest, string? subjectHash) =>
        Netstrings(
            "prediction",
            IdText(id),
            endpointName,
            modelName,
            modelVersion.ToString(CultureInfo.InvariantCulture),
            timestampMs.ToString(CultureInfo.InvariantCulture),
            inputDigest,
            outputDigest,
            subjectHash ?? string.Empty);

    /// <summary>The canonical text of a review.</summary>
    public static string ReviewText(Guid id, Guid predictionId, ReviewAction action, string? outcome, string reason, string actor, long createdAtMs) =>
        Netstrings(
            "review",
            IdText(id),
            IdText(predictionId),
            ActionName(action),
            outcome ?? string.Empty,
            reason,
            actor,
            createdAtMs.ToString(CultureInfo.InvariantCulture));

    /// <summary>The canonical text of a logged prediction row (inputs digested, or the kept digest when erased).</summary>
    public static string PredictionText(Serving.PredictionRecord p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var input = p.ErasedAt is not null && p.InputDigest is { } kept ? kept : Input(p.InputsJson);
        return PredictionText(p.Id, p.EndpointName, p.ModelName, p.ModelVersion, p.Timestamp, input, Input(p.OutputsJson), p.SubjectHash);
    }

    /// <summary>The canonical text of a review row.</summary>
    public static string ReviewText(PredictionReview r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return ReviewText(r.Id, r.PredictionId, r.Action, r.Outcome, r.Reason, r.Actor, r.CreatedAt);
    }

    /// <summary>Writes the 32-byte leaf of a row (its id, then the first 16 bytes of SHA-256 of its text) into <paramref name="destination"/>.</summary>
    public static void WriteLeaf(Guid id, string canonicalText, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(canonicalText);
        if (destination.Length < LeafSize)
        {
            throw new ArgumentException($"needs {LeafSize} bytes", nameof(destination));
        }

        if (!id.TryWriteBytes(destination[..16], bigEndian: true, out _))
        {
            throw new InvalidOperationException("could not write the id");
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(canonicalText), hash);
        hash[..16].CopyTo(destination[16..LeafSize]);
    }

    /// <summary>The id a leaf names.</summary>
    public static Guid LeafId(ReadOnlySpan<byte> leaf) => new(leaf[..16], bigEndian: true);

    /// <summary>Lower-case hex SHA-256 of a seal's leaves: the seal's digest.</summary>
    public static string SealDigest(ReadOnlySpan<byte> leaves) => Convert.ToHexStringLower(SHA256.HashData(leaves));

    /// <summary>A review action as it is written in leaves and audit summaries (lower case).</summary>
    public static string ActionName(ReviewAction action) => action.ToString().ToLowerInvariant();

    private static string IdText(Guid id) => id.ToString("D", CultureInfo.InvariantCulture);

    private static string Netstrings(params string[] fields)
    {
        var text = new StringBuilder();
        foreach (var field in fields)
        {
            text.Append(Encoding.UTF8.GetByteCount(field).ToString(CultureInfo.InvariantCulture)).Append(':').Append(field).Append(',');
        }

        return text.ToString();
    }
}
