using Ferry.Client.Http;
using Ferry.Core.Contracts;

namespace Ferry.Client.Identity;

/// <summary>Token management (<c>/api/v1/tokens</c>). Creating, listing and revoking need an admin token.</summary>
public sealed class TokensClient
{
    private const string Path = "api/v1/tokens";
    private readonly FerryHttp _http;

    internal TokensClient(FerryHttp http) => _http = http;

    /// <summary>Creates a token. The answer holds its secret, which the server never shows again.</summary>
    /// <param name="name">Human name, unique among active tokens.</param>
    /// <param name="role">"viewer", "scientist", "approver" or "admin".</param>
    /// <param name="expiresAt">When it stops working; null for never.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="FerryApiException">The server refused (invalid fields, insufficient role, ...).</exception>
    public Task<CreatedTokenResponse> CreateAsync(string name, string role, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default) =>
        _http.PostAsync<CreateTokenRequest, CreatedTokenResponse>(Path, new CreateTokenRequest(name, role, expiresAt), cancellationToken);

    /// <summary>Creates a token in a primary group: what it creates belongs to that group.</summary>
    /// <param name="name">Human name, unique among active tokens.</param>
    /// <param name="role">"viewer", "scientist", "approver" or "admin".</param>
    /// <param name="expiresAt">When it stops working; null for never.</param>
    /// <param name="group">An existing group, or null for none.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="FerryApiException">The server refused (invalid fields, unknown group, insufficient role, ...).</exception>
    public Task<CreatedTokenResponse> CreateAsync(string name, string role, DateTimeOffset? expiresAt, string? group, CancellationToken cancellationToken = default) =>
        _http.PostAsync<CreateTokenRequest, CreatedTokenResponse>(Path, new CreateTokenRequest(name, role, expiresAt, group), cancellationToken);

    /// <summary>Lists tokens, newest first; revoked ones only when <paramref name="includeRevoked"/>.</summary>
    /// <exception cref="FerryApiException">The server refused.</exception>
    public Task<TokenList> ListAsync(bool includeRevoked = false, CancellationToken cancellationToken = default) =>
        _http.GetAsync<TokenList>(new QueryString().Add("includeRevoked", includeRevoked).AppendTo(Path), cancellationToken);

    /// <summary>Revokes a token; it stops working at once. Revoking a revoked token changes nothing.</summary>
    /// <returns>The token as it now is.</returns>
    /// <exception cref="FerryApiException">No such token (404), or the server refused.</exception>
    public Task<TokenView> RevokeAsync(Guid id, CancellationToken cancellationToken = default) =>
        _http.DeleteAsync<TokenView>($"{Path}/{id:D}", cancellationToken);

    /// <summary>The token this client authenticates with.</summary>
    /// <exception cref="FerryApiException">The token is missing, unknown, revoked or expired (401).</exception>
    public Task<CallerView> WhoAmIAsync(CancellationToken cancellationToken = default) =>
        _http.GetAsync<CallerView>($"{Path}/me", cancellationToken);
}
