using Ferry.Core.Identity;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Identity;

/// <summary>
/// Remembers authenticated tokens for a short time so the request path seldom touches the database.
/// Keyed by the secret's hash, never the secret. A revocation through this process takes effect at once;
/// through another replica, within <see cref="TokenCacheOptions.Duration"/>.
/// </summary>
public sealed class TokenCache(IMemoryCache cache, IOptions<TokenCacheOptions> options, TimeProvider clock)
{
    private readonly TimeSpan _duration = options.Value.Duration;

    private const string KeyPrefix = "ferry.token:";

    /// <summary>The active token for a secret, or null.</summary>
    public async Task<ApiToken?> FindActiveAsync(string secret, IServiceProvider requestServices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requestServices);
        var hash = TokenSecret.Hash(secret);
        if (cache.TryGetValue(KeyPrefix + hash, out ApiToken? cached) && cached is not null)
        {
            return cached.IsActiveAt(clock.GetUtcNow()) ? cached : null;
        }

        var store = requestServices.GetRequiredService<ITokenStore>();
        var token = await store.FindActiveAsync(hash, cancellationToken);
        if (token is not null && _duration > TimeSpan.Zero)
        {
            cache.Set(KeyPrefix + hash, token, _duration);
        }

        return token;
    }

    /// <summary>Forgets a token at once (after a revocation).</summary>
    public void Forget(string secretHash) => cache.Remove(KeyPrefix + secretHash);
}
