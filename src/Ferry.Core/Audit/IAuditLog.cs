namespace Ferry.Core.Audit;

/// <summary>
/// Port: reads and verifies the audit chain. Events are written by the stores, inside their own transactions; an action
/// that changes no stored row (loading a model into memory) is recorded through <see cref="RecordAsync"/>.
/// </summary>
public interface IAuditLog
{
    /// <summary>Events matching <paramref name="query"/>, in ascending sequence order.</summary>
    Task<IReadOnlyList<AuditEvent>> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default);

    /// <summary>Recomputes every hash and link, and reports the first broken one.</summary>
    Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default);

    /// <summary>Appends <paramref name="record"/> by <paramref name="actor"/> on its own, for an action outside the database.</summary>
    Task RecordAsync(string actor, AuditRecord record, CancellationToken cancellationToken = default);
}
