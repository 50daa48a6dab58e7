using Ferry.Core.Identity;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Identity;

/// <summary>
/// Remembers authenticated tokens for a short time so the request path seldom touches the database.
/// Keyed by the secret's hash, never the secret. A revocation through this process takes effect at once;
/// through another replica, within <see cref="TokenCacheOptions.Duration"/> on <see cref="TimeProvider"/>'s clock.
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
        var now = clock.GetUtcNow();
        if (cache.TryGetValue(KeyPrefix + hash, out Entry? cached) && cached is not null && now < cached.Until)
        {
            return cached.Token.IsActiveAt(now) ? cached.Token : null;
        }

        var store = requestServices.GetRequiredService<ITokenStore>();
        var token = await store.FindActiveAsync(hash, cancellationToken);
        if (token is not null && _duration > TimeSpan.Zero)
        {
            // The entry's own expiry is on the server's clock; the memory cache's only evicts it eventually.
            cache.Set(KeyPrefix + hash, new Entry(token, now + _duration), _duration);
        }

        return token;
    }

    /// <summary>Forgets a token at once (after a revocation).</summary>
    public void Forget(string secretHash) => cache.Remove(KeyPrefix + secretHash);

    private sealed record Entry(ApiToken Token, DateTimeOffset Until);
}
