using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Storage.Audit;
using Ferry.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Storage.Tests;

/// <summary>Stores, migrations and the audited transaction, on SQLite and on PostgreSQL.</summary>
public abstract class StorageTests(DatabaseKind kind) : StorageTestBase(kind)
{
    [SkippableFact]
    public async Task Migrations_AreCompleteAndIdempotent()
    {
        await using var scope = Scope();
        var db = scope.ServiceProvider.GetRequiredService<FerryDbContext>();
        Assert.True(await DatabaseMigrator.IsReadyAsync(db));
        await DatabaseMigrator.MigrateAsync(db, scope.ServiceProvider.GetService<IDatabasePreparer>());
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges(), "the model has changes no migration captures: add a migration for each provider");
    }

    [SkippableFact]
    public async Task Times_RoundTripToTheMicrosecond_AndCompareInSql()
    {
        await using var scope = Scope();
        var tokens = scope.ServiceProvider.GetRequiredService<ITokenStore>();
        Clock.Advance(TimeSpan.FromTicks(1_234_567));
        var created = await tokens.CreateAsync("t", Role.Viewer, Clock.GetUtcNow().AddDays(1), "test");
        var stored = (await tokens.ListAsync(includeRevoked: false)).Single();
        Assert.Equal(AuditChain.Normalize(Clock.GetUtcNow()), stored.CreatedAt);
        Assert.Equal(created.Token.ExpiresAt, stored.ExpiresAt);

        var log = scope.ServiceProvider.GetRequiredService<IAuditLog>();
        Assert.Single(await log.QueryAsync(new AuditQuery { From = stored.CreatedAt }));
        Assert.Empty(await log.QueryAsync(new AuditQuery { From = stored.CreatedAt.AddTicks(10) }));
        Assert.Single(await log.QueryAsync(new AuditQuery { To = stored.CreatedAt.AddTicks(10) }));
        Assert.Single(await log.QueryAsync(new AuditQuery { From = stored.CreatedAt.ToOffset(TimeSpan.FromHours(-5)) }));
    }

    [SkippableFact]
    public async Task ExpiredToken_NoLongerAuthenticates()
    {
        await using var scope = Scope();
        var tokens = scope.ServiceProvider.GetRequiredService<ITokenStore>();
        var created = await tokens.CreateAsync("short-lived", Role.Scientist, Clock.GetUtcNow().AddHours(1), "test");
        var hash = TokenSecret.Hash(created.Secret);
        Assert.NotNull(await tokens.FindActiveAsync(hash));
        Clock.Advance(TimeSpan.FromHours(1));
        Assert.Null(await tokens.FindActiveAsync(hash));
    }

    [SkippableFact]
    public async Task FailedChange_LeavesNeitherTheChangeNorAnAuditEvent()
    {
        await using var scope = Scope();
        var tokens = scope.ServiceProvider.GetRequiredService<ITokenStore>();
        var first = await tokens.CreateAsync("first", Role.Viewer, null, "test");
        var writer = scope.ServiceProvider.GetRequiredService<AuditedWriter>();

        // The change stages a token whose secret hash collides with the first: the unique index
        // rejects it at commit, and the audit event staged beside it must go too.
        await Assert.ThrowsAnyAsync<DbUpdateException>(() => writer.RunAsync("test", (db, _) =>
        {
            db.ApiTokens.Add(new ApiToken
            {
                Id = Guid.NewGuid(),
                Name = "clash",
                Role = Role.Admin,
                SecretHash = TokenSecret.Hash(first.Secret),
                DisplayPrefix = "x",
                CreatedBy = "test",
                CreatedAt = Clock.GetUtcNow(),
            });
            return Task.FromResult((0, new AuditRecord("token.create", "token/clash", "{}")));
        }));

        await using var check = Scope();
        var db = check.ServiceProvider.GetRequiredService<FerryDbContext>();
        Assert.Equal(1, await db.ApiTokens.CountAsync());
        Assert.Equal(1, await db.AuditEvents.CountAsync());
        Assert.True((await check.ServiceProvider.GetRequiredService<IAuditLog>().VerifyAsync()).IsValid);
    }

    [SkippableFact]
    public async Task ThrowingChange_WritesNothing()
    {
        await using var scope = Scope();
        var writer = scope.ServiceProvider.GetRequiredService<AuditedWriter>();
        await Assert.ThrowsAsync<ConflictException>(() => writer.RunAsync<int>("test", (db, _) =>
        {
            db.ApiTokens.Add(new ApiToken
            {
                Id = Guid.NewGuid(),
                Name = "half",
                Role = Role.Viewer,
                SecretHash = new string('a', 64),
                DisplayPrefix = "x",
                CreatedBy = "test",
            });
            throw new ConflictException("changed my mind");
        }));

        await using var check = Scope();
        var db = check.ServiceProvider.GetRequiredService<FerryDbContext>();
        Assert.Equal(0, await db.ApiTokens.CountAsync());
        Assert.Equal(0, await db.AuditEvents.CountAsync());
    }

    [SkippableFact]
    public async Task ParallelWritersOnSeparateContexts_ProduceOneContiguousChain()
    {
        var writes = Enumerable.Range(0, 24).Select(async i =>
        {
            await using var scope = Scope();
            await scope.ServiceProvider.GetRequiredService<ITokenStore>().CreateAsync($"p{i}", Role.Viewer, null, "test");
        });
        await Task.WhenAll(writes);

        await using var check = Scope();
        var verification = await check.ServiceProvider.GetRequiredService<IAuditLog>().VerifyAsync();
        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(24, verification.EventsChecked);
    }

    [SkippableFact]
    public async Task Revoke_IsAuditedAndIdempotent()
    {
        await using var scope = Scope();
        var tokens = scope.ServiceProvider.GetRequiredService<ITokenStore>();
        var created = await tokens.CreateAsync("r", Role.Viewer, null, "alice");
        var first = await tokens.RevokeAsync(created.Token.Id, "bob");
        Clock.Advance(TimeSpan.FromMinutes(5));
        var second = await tokens.RevokeAsync(created.Token.Id, "bob");
        Assert.Equal(first.RevokedAt, second.RevokedAt);
        await Assert.ThrowsAsync<NotFoundException>(() => tokens.RevokeAsync(Guid.NewGuid(), "bob"));

        var events = await scope.ServiceProvider.GetRequiredService<IAuditLog>().QueryAsync(new AuditQuery { Target = $"token/{created.Token.Id}" });
        Assert.Equal(["alice", "bob", "bob"], events.Select(e => e.Actor));
        Assert.Equal(["token.create", "token.revoke", "token.revoke"], events.Select(e => e.Action));
    }

}

public sealed class SqliteStorageTests() : StorageTests(DatabaseKind.Sqlite)
{
    [Fact]
    public async Task Sqlite_UsesWriteAheadLogging()
    {
        await using var scope = Scope();
        var db = scope.ServiceProvider.GetRequiredService<FerryDbContext>();
        var mode = await db.Database.SqlQueryRaw<string>("PRAGMA journal_mode").ToListAsync();
        Assert.Equal("wal", Assert.Single(mode));
    }
}

public sealed class PostgresStorageTests() : StorageTests(DatabaseKind.PostgreSql);
