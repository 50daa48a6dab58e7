namespace Ferry.Core.Audit;

/// <summary>Port: reads and verifies the audit chain. Events are written by the stores, inside their own transactions.</summary>
public interface IAuditLog
{
    /// <summary>Events matching <paramref name="query"/>, in ascending sequence order.</summary>
    Task<IReadOnlyList<AuditEvent>> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default);

    /// <summary>Recomputes every hash and link, and reports the first broken one.</summary>
    Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default);
}
