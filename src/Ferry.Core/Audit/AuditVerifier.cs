namespace Ferry.Core.Audit;

/// <summary>The outcome of checking the audit chain.</summary>
/// <param name="IsValid">True when every link holds.</param>
/// <param name="EventsChecked">How many events were read.</param>
/// <param name="FirstBrokenSequence">The sequence number of the first event that does not hold, if any.</param>
/// <param name="Reason">Why that event breaks the chain, in words.</param>
public sealed record AuditVerification(bool IsValid, long EventsChecked, long? FirstBrokenSequence, string? Reason);

/// <summary>Walks events in sequence order and reports the first broken link.</summary>
public static class AuditVerifier
{
    /// <summary>Verifies a chain streamed in ascending sequence order.</summary>
    public static async Task<AuditVerification> VerifyAsync(IAsyncEnumerable<AuditEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var walk = new Walk();
        await foreach (var e in events.WithCancellation(cancellationToken))
        {
            if (walk.Step(e) is { } broken)
            {
                return broken;
            }
        }

        return walk.Success();
    }

    /// <summary>Verifies an in-memory chain given in ascending sequence order.</summary>
    public static AuditVerification Verify(IEnumerable<AuditEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var walk = new Walk();
        foreach (var e in events)
        {
            if (walk.Step(e) is { } broken)
            {
                return broken;
            }
        }

        return walk.Success();
    }

    private sealed class Walk
    {
        private long _checked;
        private long _expectedSequence = 1;
        private string _expectedPrevious = AuditChain.GenesisHash;

        public AuditVerification Success() => new(true, _checked, null, null);

        public AuditVerification? Step(AuditEvent e)
        {
            _checked++;
            var problem = Check(e);
            if (problem is not null)
            {
                return new AuditVerification(false, _checked, e.Sequence, problem);
            }

            _expectedSequence = e.Sequence + 1;
            _expectedPrevious = e.Hash;
            return null;
        }

        private string? Check(AuditEvent e)
        {
            if (e.Sequence != _expectedSequence)
            {
                return e.Sequence > _expectedSequence
                    ? $"events {_expectedSequence}..{e.Sequence - 1} are missing"
                    : $"sequence {e.Sequence} appears out of order (expected {_expectedSequence})";
            }

            if (!string.Equals(e.PreviousHash, _expectedPrevious, StringComparison.Ordinal))
            {
                return "its previous-hash does not match the hash of the event before it";
            }

            return string.Equals(AuditChain.ComputeHash(e), e.Hash, StringComparison.Ordinal)
                ? null
                : "its content does not match its hash (the event was edited)";
        }
    }
}
