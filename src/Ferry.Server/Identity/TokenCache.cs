using Ferry.Core.Cluster;
using Ferry.Core.Identity;
using Ferry.Server.Health;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Identity;

/// <summary>
/// Remembers authenticated tokens for a short time so the request path seldom touches the database.
/// Keyed by the secret's hash, never the secret. A revocation through this process takes effect at once and is
/// signalled to the other replicas (<see cref="IClusterSignals"/>), which forget the token when they hear it; while
/// signals are not heard, within <see cref="TokenCacheOptions.Duration"/> on <see cref="TimeProvider"/>'s clock.
/// </summary>
/// <remarks>
/// While the database is unavailable, a token the database confirmed within <see cref="TokenCacheOptions.OutageGrace"/>
/// is still honoured from memory (stale-if-unavailable), so serving goes on through an outage; a token this process
/// revoked stays refused, and one never seen (or seen longer ago) cannot be checked, so its request is answered 503.
/// </remarks>
public sealed class TokenCache(IMemoryCache cache, IOptions<TokenCacheOptions> options, TimeProvider clock, DatabaseOutage outage, IClusterSignals? signals = null)
{
    // Entries confirmed before the last ConfirmAllAgain are asked again (still honoured from memory during an outage).
    private long _generation;
    private readonly TimeSpan _duration = options.Value.Duration;
    private readonly TimeSpan _grace = options.Value.OutageGrace;

    private const string KeyPrefix = "ferry.token:";

    /// <summary>The active token for a secret, or null.</summary>
    public async Task<ApiToken?> FindActiveAsync(string secret, IServiceProvider requestServices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requestServices);
        var hash = TokenSecret.Hash(secret);
        var now = clock.GetUtcNow();
        cache.TryGetValue(KeyPrefix + hash, out Entry? cached);
        if (cached is { Revoked: true })
        {
            return null;
        }

        if (cached is not null && cached.Generation == Interlocked.Read(ref _generation) && now < cached.ConfirmedAt + _duration)
        {
            return cached.Token!.IsActiveAt(now) ? cached.Token : null;
        }

        var stale = cached is not null && now < cached.ConfirmedAt + _grace ? cached.Token : null;
        if (stale is not null && outage.IsUnavailable)
        {
            // Known outage: do not wait on the database for every request; its probe notices when it is back.
            outage.ServedFromMemory("token");
            return stale.IsActiveAt(now) ? stale : null;
        }

        var generation = Interlocked.Read(ref _generation);
        ApiToken? token;
        try
        {
            var store = requestServices.GetRequiredService<ITokenStore>();
            token = await store.FindActiveAsync(hash, cancellationToken);
        }
        catch (Exception e) when (stale is not null && e is not OperationCanceledException && outage.Observe(e))
        {
            outage.ServedFromMemory("token");
            return stale.IsActiveAt(now) ? stale : null;
        }

        outage.ReportAvailable();
        if (token is not null && (_duration > TimeSpan.Zero || _grace > TimeSpan.Zero)
            && !(cache.TryGetValue(KeyPrefix + hash, out Entry? meanwhile) && meanwhile is { Revoked: true }))
        {
            // (A revocation heard while the database was read wins over what the read found.)
            // The entry's own times are on the server's clock; the memory cache's expiry only evicts it eventually.
            cache.Set(KeyPrefix + hash, new Entry(token, now, Revoked: false, generation), Max(_duration, _grace));
        }
        else if (token is null && cached is not null)
        {
            cache.Remove(KeyPrefix + hash);
        }

        return token;
    }

    /// <summary>
    /// Forgets a token at once (after a revocation) and remembers that it is revoked, so it stays refused even while the
    /// database is unavailable; tells the other replicas to do the same.
    /// </summary>
    public void Forget(string secretHash)
    {
        ForgetHere(secretHash);
        signals?.Publish(ClusterTopics.TokenRevoked, secretHash);
    }

    /// <summary>Forgets a token another replica revoked (as <see cref="Forget"/>, without signalling).</summary>
    public void ForgetHere(string secretHash) =>
        cache.Set(KeyPrefix + secretHash, new Entry(null, clock.GetUtcNow(), Revoked: true, 0), Max(Max(_duration, _grace), TimeSpan.FromMinutes(1)));

    /// <summary>
    /// Makes every remembered token be confirmed by the database again on its next use (revocations may have been
    /// missed); while the database is unavailable, the outage grace still applies to them.
    /// </summary>
    public void ConfirmAllAgain() => Interlocked.Increment(ref _generation);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private sealed record Entry(ApiToken? Token, DateTimeOffset ConfirmedAt, bool Revoked, long Generation);
}
