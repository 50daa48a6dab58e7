using Ferry.Core.Identity;

namespace Ferry.Core.Contracts;

/// <summary>A token as the API shows it: never its secret or hash.</summary>
/// <param name="Id">Identifier used to revoke it.</param>
/// <param name="Name">Human name, unique among active tokens.</param>
/// <param name="Role">"viewer", "scientist", "approver" or "admin".</param>
/// <param name="DisplayPrefix">The secret's first characters.</param>
/// <param name="CreatedBy">Who created it.</param>
/// <param name="CreatedAt">When.</param>
/// <param name="ExpiresAt">When it stops working, if ever.</param>
/// <param name="RevokedAt">When it was revoked, if it was.</param>
/// <param name="Group">Its primary group, if any: what it creates belongs to this group.</param>
public sealed record TokenView(
    Guid Id,
    string Name,
    string Role,
    string DisplayPrefix,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    string? Group = null)
{
    /// <summary>Projects a stored token.</summary>
    public static TokenView From(ApiToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new(token.Id, token.Name, token.Role.ToWireName(), token.DisplayPrefix, token.CreatedBy, token.CreatedAt, token.ExpiresAt, token.RevokedAt, token.Group);
    }
}

/// <summary>Body of <c>POST /api/v1/tokens</c>.</summary>
/// <param name="Name">Human name, 1 to 200 characters.</param>
/// <param name="Role">"viewer", "scientist", "approver" or "admin".</param>
/// <param name="ExpiresAt">Optional expiry, in the future.</param>
/// <param name="Group">Optional primary group (it must exist).</param>
public sealed record CreateTokenRequest(string? Name, string? Role, DateTimeOffset? ExpiresAt, string? Group = null);

/// <summary>Answer to a token creation: the only time the secret is shown.</summary>
/// <param name="Token">The stored token.</param>
/// <param name="Secret">The bearer secret; store it now, it cannot be shown again.</param>
public sealed record CreatedTokenResponse(TokenView Token, string Secret);

/// <summary>A page of tokens.</summary>
/// <param name="Tokens">The tokens, newest first.</param>
public sealed record TokenList(IReadOnlyList<TokenView> Tokens);

/// <summary>The calling token, as <c>GET /api/v1/tokens/me</c> shows it.</summary>
/// <param name="Id">Token id.</param>
/// <param name="Name">Token name (the actor in the audit trail).</param>
/// <param name="Role">Its role.</param>
public sealed record CallerView(Guid Id, string Name, string Role);

/// <summary>A signed-in dashboard session as the API shows it: never its cookie value or hash.</summary>
/// <param name="Id">Identifier used to revoke it.</param>
/// <param name="TokenId">The token it signed in with.</param>
/// <param name="TokenName">That token's name.</param>
/// <param name="Role">That token's role.</param>
/// <param name="CreatedAt">When the browser signed in.</param>
/// <param name="LastSeenAt">When it was last used (to within a minute).</param>
/// <param name="ExpiresAt">When it ends however often it is used.</param>
public sealed record DashboardSessionView(Guid Id, Guid TokenId, string TokenName, string Role, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, DateTimeOffset ExpiresAt)
{
    /// <summary>Projects a stored session and its token.</summary>
    public static DashboardSessionView From(DashboardSessionWithToken entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var (session, token) = (entry.Session, entry.Token);
        return new DashboardSessionView(session.Id, token.Id, token.Name, token.Role.ToWireName(), session.CreatedAt, session.LastSeenAt, session.ExpiresAt);
    }
}

/// <summary>The dashboard sessions still open.</summary>
/// <param name="Sessions">Newest first.</param>
public sealed record DashboardSessionList(IReadOnlyList<DashboardSessionView> Sessions);
