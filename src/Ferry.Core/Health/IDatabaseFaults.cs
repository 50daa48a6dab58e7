namespace Ferry.Core.Health;

/// <summary>
/// Port: tells "the database is unavailable" (unreachable, restarting, locked past its timeout, failing I/O) apart from
/// every other database error, so the server can answer 503 and keep serving from memory instead of failing with 500.
/// Implemented per provider, which alone knows its exceptions.
/// </summary>
public interface IDatabaseFaults
{
    /// <summary>
    /// A short reason (no stack trace) when <paramref name="exception"/>, or an exception it wraps, means the database
    /// is unavailable; null for any other failure (a constraint, a bad query, a serialization conflict).
    /// </summary>
    string? Unavailable(Exception exception);

    /// <summary>
    /// Drops pooled connections that an outage may have broken, so the first requests after it do not fail on them.
    /// Called when an outage starts and before it is declared over.
    /// </summary>
    void ForgetConnections();
}
