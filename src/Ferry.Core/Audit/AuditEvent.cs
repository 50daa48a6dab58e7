namespace Ferry.Core.Audit;

/// <summary>
/// One link of the audit chain: who did what to which target, when, and a summary of the change.
/// <see cref="Hash"/> covers every other field and <see cref="PreviousHash"/>, so editing or removing
/// any stored event breaks the chain from that point on.
/// </summary>
public sealed class AuditEvent
{
    /// <summary>Position in the chain, starting at 1 with no gaps.</summary>
    public long Sequence { get; set; }

    /// <summary>When the change was committed, truncated to whole microseconds (what every database keeps).</summary>
    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>Who made the change: a token name, or "system".</summary>
    public required string Actor { get; set; }

    /// <summary>What was done, as <c>noun.verb</c> ("token.create").</summary>
    public required string Action { get; set; }

    /// <summary>What it was done to ("token/3f2a…").</summary>
    public required string Target { get; set; }

    /// <summary>A JSON object summarising the change (before/after where it applies). Never holds secrets.</summary>
    public required string Summary { get; set; }

    /// <summary>Hash of the previous event, or <see cref="AuditChain.GenesisHash"/> for the first.</summary>
    public required string PreviousHash { get; set; }

    /// <summary>Lower-case hex SHA-256 over this event's fields and <see cref="PreviousHash"/>.</summary>
    public required string Hash { get; set; }
}
