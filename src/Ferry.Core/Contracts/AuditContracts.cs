using System.Text.Json;
using Ferry.Core.Audit;

namespace Ferry.Core.Contracts;

/// <summary>An audit event as the API shows it; <paramref name="Summary"/> is the stored JSON object.</summary>
/// <param name="Sequence">Position in the chain.</param>
/// <param name="OccurredAt">When.</param>
/// <param name="Actor">Who.</param>
/// <param name="Action">What, as <c>noun.verb</c>.</param>
/// <param name="Target">To what.</param>
/// <param name="Summary">The change, as a JSON object.</param>
/// <param name="PreviousHash">Hash of the event before.</param>
/// <param name="Hash">This event's hash.</param>
public sealed record AuditEventView(
    long Sequence,
    DateTimeOffset OccurredAt,
    string Actor,
    string Action,
    string Target,
    JsonElement Summary,
    string PreviousHash,
    string Hash)
{
    /// <summary>Projects a stored event.</summary>
    public static AuditEventView From(AuditEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.Sequence, e.OccurredAt, e.Actor, e.Action, e.Target, ParseSummary(e.Summary), e.PreviousHash, e.Hash);
    }

    // A stored summary that is not valid JSON (a hand-edited row) is shown as a string rather than failing the listing.
    private static JsonElement ParseSummary(string summary)
    {
        try
        {
            using var document = JsonDocument.Parse(summary);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(summary);
        }
    }
}

/// <summary>A page of audit events.</summary>
/// <param name="Events">Events in ascending sequence order.</param>
/// <param name="NextAfter">Pass as <c>after</c> to read the next page; null on the last page.</param>
public sealed record AuditEventList(IReadOnlyList<AuditEventView> Events, long? NextAfter);
