namespace Ferry.Core.Identity;

/// <summary>A token just created, with its secret. The secret exists only here: it is never stored or shown again.</summary>
/// <param name="Token">The stored token.</param>
/// <param name="Secret">The bearer secret to hand to its owner.</param>
public sealed record CreatedToken(ApiToken Token, string Secret);

/// <summary>Port: stores API tokens (hashed) and records every change in the audit trail.</summary>
public interface ITokenStore
{
    /// <summary>Creates a token with a freshly generated secret.</summary>
    Task<CreatedToken> CreateAsync(string name, Role role, DateTimeOffset? expiresAt, string actor, CancellationToken cancellationToken = default);

    /// <summary>Creates a token with a freshly generated secret in a primary <paramref name="group"/> (null: none).</summary>
    /// <exception cref="Errors.NotFoundException">The group does not exist.</exception>
    Task<CreatedToken> CreateAsync(string name, Role role, DateTimeOffset? expiresAt, string? group, string actor, CancellationToken cancellationToken = default);

    /// <summary>Stores a token whose secret was supplied from outside (e.g. <c>FERRY_ADMIN_TOKEN</c>), unless it already exists.</summary>
    /// <returns>The stored token, and whether it was added by this call.</returns>
    Task<(ApiToken Token, bool Added)> EnsureAsync(string name, Role role, string secret, string actor, CancellationToken cancellationToken = default);

    /// <summary>Lists tokens, newest first.</summary>
    Task<IReadOnlyList<ApiToken>> ListAsync(bool includeRevoked, CancellationToken cancellationToken = default);

    /// <summary>Revokes a token; a token already revoked stays as it is.</summary>
    /// <exception cref="Errors.NotFoundException">No token has that id.</exception>
    Task<ApiToken> RevokeAsync(Guid id, string actor, CancellationToken cancellationToken = default);

    /// <summary>Finds the active token whose secret hashes to <paramref name="secretHash"/>.</summary>
    Task<ApiToken?> FindActiveAsync(string secretHash, CancellationToken cancellationToken = default);

    /// <summary>True when at least one token exists (active or not).</summary>
    Task<bool> AnyAsync(CancellationToken cancellationToken = default);
}
