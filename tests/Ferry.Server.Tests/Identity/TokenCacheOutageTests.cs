using System.Net;
using System.Net.Sockets;
using Ferry.Core.Identity;
using Ferry.Server.Health;
using Ferry.Server.Identity;
using Ferry.Storage.PostgreSql;
using Ferry.Testing;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using Options = Microsoft.Extensions.Options.Options;

namespace Ferry.Server.Tests.Identity;

/// <summary>
/// The token cache while the database is unreachable: the tokens are read from a real server's store, then looked up
/// through a store on a PostgreSQL address where nothing listens (a stopped database), on a <see cref="TestClock"/>.
/// </summary>
public sealed class TokenCacheOutageTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(15);

    [SkippableFact]
    public async Task SeenToken_DatabaseUnreachable_IsHonouredUntilOutageGraceIsUp_ThenNotConfirmed()
    {
        await using var down = Unreachable();
        var clock = new TestClock(fixture.Server.Clock.GetUtcNow());
        using var outage = down.Outage(clock);
        using var memory = new MemoryCache(new MemoryCacheOptions());
        var cache = new TokenCache(memory, Options.Create(new TokenCacheOptions { Duration = Duration, OutageGrace = Grace }), clock, outage);
        var created = await CreateAsync("seen");
        Assert.Equal(created.Token.Id, (await FindAsync(fixture.Server.Services, cache, created.Secret))?.Id);

        clock.Advance(Duration);
        Assert.Equal(created.Token.Id, (await FindAsync(down.Services, cache, created.Secret))?.Id);
        Assert.True(outage.IsUnavailable);

        clock.Advance(Grace - Duration - TimeSpan.FromTicks(1));
        Assert.Equal(created.Token.Id, (await FindAsync(down.Services, cache, created.Secret))?.Id);

        clock.Advance(TimeSpan.FromTicks(1));
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => FindAsync(down.Services, cache, created.Secret));
        Assert.True(outage.Observe(failure), $"not classified as an outage: {failure.GetType().Name}: {failure.Message}");
    }

    [SkippableFact]
    public async Task RevokedHere_DatabaseUnreachable_StaysRefused()
    {
        await using var down = Unreachable();
        var clock = new TestClock(fixture.Server.Clock.GetUtcNow());
        using var outage = down.Outage(clock);
        using var memory = new MemoryCache(new MemoryCacheOptions());
        var cache = new TokenCache(memory, Options.Create(new TokenCacheOptions { Duration = Duration, OutageGrace = Grace }), clock, outage);
        var created = await CreateAsync("revoked");
        Assert.NotNull(await FindAsync(fixture.Server.Services, cache, created.Secret));
        await using (var scope = fixture.Server.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ITokenStore>().RevokeAsync(created.Token.Id, "test");
        }

        cache.Forget(TokenSecret.Hash(created.Secret));
        clock.Advance(Duration);

        Assert.Null(await FindAsync(down.Services, cache, created.Secret));
    }

    [SkippableFact]
    public async Task UnseenToken_DatabaseUnreachable_ThrowsAnOutage()
    {
        await using var down = Unreachable();
        var clock = new TestClock(fixture.Server.Clock.GetUtcNow());
        using var outage = down.Outage(clock);
        using var memory = new MemoryCache(new MemoryCacheOptions());
        var cache = new TokenCache(memory, Options.Create(new TokenCacheOptions { Duration = Duration, OutageGrace = Grace }), clock, outage);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => FindAsync(down.Services, cache, TokenSecret.Generate()));

        Assert.True(outage.Observe(failure), $"not classified as an outage: {failure.GetType().Name}: {failure.Message}");
    }

    private async Task<CreatedToken> CreateAsync(string prefix)
    {
        await using var scope = fixture.Server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ITokenStore>().CreateAsync($"{prefix}-{Guid.NewGuid():N}", Role.Viewer, null, "test");
    }

    private static async Task<ApiToken?> FindAsync(IServiceProvider services, TokenCache cache, string secret)
    {
        await using var scope = services.CreateAsyncScope();
        return await cache.FindActiveAsync(secret, scope.ServiceProvider, CancellationToken.None);
    }

    private static DownDatabase Unreachable()
    {
        // A port that was free a moment ago: connecting to it is refused, as to a stopped PostgreSQL.
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var connectionString = $"Host=127.0.0.1;Port={port};Username=ferry;Database=ferry;Timeout=5";
        var services = new ServiceCollection().AddLogging().AddMetrics().AddFerryPostgreSqlStorage(connectionString).BuildServiceProvider();
        return new DownDatabase(services, connectionString);
    }

    private sealed class DownDatabase(ServiceProvider services, string connectionString) : IAsyncDisposable
    {
        public IServiceProvider Services => services;

        public DatabaseOutage Outage(TimeProvider clock) =>
            new(new PostgreSqlFaults(connectionString), services.GetRequiredService<IServiceScopeFactory>(), Options.Create(new DatabaseOutageOptions()),
                clock, services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), NullLogger<DatabaseOutage>.Instance);

        public ValueTask DisposeAsync() => services.DisposeAsync();
    }
}
