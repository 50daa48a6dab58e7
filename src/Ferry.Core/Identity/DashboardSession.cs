namespace Ferry.Core.Identity;

/// <summary>
/// A signed-in dashboard browser. The browser's cookie holds a random session id; only its SHA-256 is stored, so a
/// copy of the database cannot be replayed as a cookie. A session lasts while its token is active, it is used within
/// the idle timeout, its absolute expiry has not passed and nobody revoked it.
/// </summary>
public sealed class DashboardSession
{
    /// <summary>Stable identifier, used to list and revoke the session (never the cookie's value).</summary>
    public Guid Id { get; set; }

    /// <summary>Lower-case hex SHA-256 of the cookie's session id.</summary>
    public required string SecretHash { get; set; }

    /// <summary>The API token the browser signed in with.</summary>
    public Guid TokenId { get; set; }

    /// <summary>When the browser signed in.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the session was last used (updated at most once per touch interval).</summary>
    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>The absolute end of the session, however often it is used.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When it was revoked (signed out, or by an admin), if it was.</summary>
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>True when the session may authenticate at <paramref name="now"/> given <paramref name="idleTimeout"/>.</summary>
    public bool IsActiveAt(DateTimeOffset now, TimeSpan idleTimeout) =>
        RevokedAt is null && now < ExpiresAt && now - LastSeenAt < idleTimeout;
}

/// <summary>A session just created, with the cookie value that exists only here.</summary>
/// <param name="Session">The stored session.</param>
/// <param name="Secret">The session id for the browser's cookie; never stored.</param>
public sealed record CreatedDashboardSession(DashboardSession Session, string Secret);

/// <summary>A stored session and the token it signs in as.</summary>
/// <param name="Session">The session.</param>
/// <param name="Token">Its token (active or not: the caller decides).</param>
public sealed record DashboardSessionWithToken(DashboardSession Session, ApiToken Token);

/// <summary>Port: dashboard sessions (hashed ids), server-side so they can be listed and revoked.</summary>
public interface IDashboardSessionStore
{
    /// <summary>Creates a session for <paramref name="tokenId"/> with a fresh random id.</summary>
    Task<CreatedDashboardSession> CreateAsync(Guid tokenId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>The session whose id hashes to <paramref name="secretHash"/>, with its token; null when none.</summary>
    Task<DashboardSessionWithToken?> FindAsync(string secretHash, CancellationToken cancellationToken = default);

    /// <summary>Records that the session was used at <paramref name="at"/> (the sliding part of its lifetime).</summary>
    Task TouchAsync(Guid id, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Revokes one session; false when no unrevoked session has that id.</summary>
    Task<bool> RevokeAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Revokes every session of a token (after the token itself is revoked); the number revoked.</summary>
    Task<int> RevokeForTokenAsync(Guid tokenId, CancellationToken cancellationToken = default);

    /// <summary>Sessions neither revoked nor past their absolute expiry, newest first, with their tokens.</summary>
    Task<IReadOnlyList<DashboardSessionWithToken>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes sessions that ended before <paramref name="before"/> (revoked or expired); the number deleted.</summary>
    Task<int> DeleteEndedAsync(DateTimeOffset before, CancellationToken cancellationToken = default);
}
