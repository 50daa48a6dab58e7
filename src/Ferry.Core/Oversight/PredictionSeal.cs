namespace Ferry.Core.Oversight;

/// <summary>
/// A seal over one stretch of an endpoint's prediction log: the predictions served and the reviews recorded in
/// [<see cref="From"/>, <see cref="To"/>), each reduced to a leaf digest (<see cref="PredictionDigests"/>). The seal's
/// <see cref="Digest"/> is also written to the audit chain (<c>predictions.seal</c>), so neither the log nor the seal
/// can be changed without the chain noticing. Seals of one endpoint are contiguous and never overlap; each lies within
/// one UTC hour. Times are epoch ms.
/// </summary>
public sealed class PredictionSeal
{
    /// <summary>Surrogate key.</summary>
    public Guid Id { get; set; }

    /// <summary>The endpoint.</summary>
    public required string EndpointName { get; set; }

    /// <summary>Start of the sealed stretch, inclusive.</summary>
    public long From { get; set; }

    /// <summary>End of the sealed stretch, exclusive.</summary>
    public long To { get; set; }

    /// <summary>Predictions sealed.</summary>
    public int Predictions { get; set; }

    /// <summary>Reviews sealed.</summary>
    public int Reviews { get; set; }

    /// <summary>
    /// The leaves in sealing order: for each row its 16-byte id followed by the first 16 bytes of its leaf digest
    /// (32 bytes a row), so verification can name the first altered or missing row.
    /// </summary>
    public required byte[] Leaves { get; set; }

    /// <summary>Lower-case hex SHA-256 of <see cref="Leaves"/>.</summary>
    public required string Digest { get; set; }

    /// <summary>When it was sealed.</summary>
    public long SealedAt { get; set; }

    /// <summary>Who sealed it (the server, or the user of <c>ferry audit seal</c>).</summary>
    public string SealedBy { get; set; } = string.Empty;
}
