using Ferry.Core.Identity;
using Ferry.Server.Health;
using Ferry.Server.Identity;
using Ferry.Testing;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Server.Tests.Identity;

/// <summary>The token cache on a <see cref="TestClock"/>: a token is answered from memory for the cache duration, then read again.</summary>
public sealed class TokenCacheTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public async Task RevokedByAnotherReplica_IsAnsweredFromTheCacheUntilItsDurationIsUp_ThenReadAgain()
    {
        var server = fixture.Server;
        var clock = new TestClock(server.Clock.GetUtcNow());
        using var memory = new MemoryCache(new MemoryCacheOptions());
        var cache = new TokenCache(memory, Microsoft.Extensions.Options.Options.Create(new TokenCacheOptions { Duration = Duration }), clock, server.Services.GetRequiredService<DatabaseOutage>());
        CreatedToken created;
        await using (var scope = server.Services.CreateAsyncScope())
        {
            created = await scope.ServiceProvider.GetRequiredService<ITokenStore>().CreateAsync($"cached-{Guid.NewGuid():N}", Role.Viewer, null, "test");
        }

        Assert.Equal(created.Token.Id, (await FindAsync(server, cache, created.Secret))?.Id);

        // Revoked in the store only, as another replica does: this cache is not told.
        await using (var scope = server.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ITokenStore>().RevokeAsync(created.Token.Id, "test");
        }

        clock.Advance(Duration - TimeSpan.FromTicks(1));
        Assert.Equal(created.Token.Id, (await FindAsync(server, cache, created.Secret))?.Id);

        clock.Advance(TimeSpan.FromTicks(1));
        Assert.Null(await FindAsync(server, cache, created.Secret));
    }

    [SkippableFact]
    public async Task RevokedHere_IsForgottenAtOnce()
    {
        var server = fixture.Server;
        var clock = new TestClock(server.Clock.GetUtcNow());
        using var memory = new MemoryCache(new MemoryCacheOptions());
        var cache = new TokenCache(memory, Microsoft.Extensions.Options.Options.Create(new TokenCacheOptions { Duration = Duration }), clock, server.Services.GetRequiredService<DatabaseOutage>());
        await using var scope = server.Services.CreateAsyncScope();
        var tokens = scope.ServiceProvider.GetRequiredService<ITokenStore>();
        var created = await tokens.CreateAsync($"forgotten-{Guid.NewGuid():N}", Role.Viewer, null, "test");
        Assert.NotNull(await FindAsync(server, cache, created.Secret));

        await tokens.RevokeAsync(created.Token.Id, "test");
        cache.Forget(TokenSecret.Hash(created.Secret));

        Assert.Null(await FindAsync(server, cache, created.Secret));
    }

    // A fresh scope per lookup, as per request: nothing is remembered but by the cache.
    private static async Task<ApiToken?> FindAsync(FerryTestServer server, TokenCache cache, string secret)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await cache.FindActiveAsync(secret, scope.ServiceProvider, CancellationToken.None);
    }
}
