using System.Text.Json;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Governance;
using Ferry.Core.Registry;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Storage.Tests.Governance;

/// <summary>
/// The promotion store on SQLite and PostgreSQL: four eyes and one count per approver are enforced in the store, the
/// last approval moves the alias in its own transaction, and a move that cannot happen leaves the request untouched.
/// </summary>
public abstract class PromotionStoreTests(DatabaseKind kind) : StorageTestBase(kind)
{
    private const string Model = "credit";

    [SkippableFact]
    public async Task Approve_TwoApproverPolicy_RefusesRequesterAndRepeatsThenMovesAliasOnTheSecond()
    {
        await using var scope = Scope();
        var registry = scope.ServiceProvider.GetRequiredService<IRegistryStore>();
        var store = scope.ServiceProvider.GetRequiredService<IPromotionStore>();
        await SeedAsync(registry, versions: 2);
        await registry.SetAliasAsync(Model, "champion", 1, new RegistryCaller("admin", true));
        var request = await store.CreateAsync(NewRequest(PromotionPolicy.Defaults(RiskTier.High)));
        var now = Clock.GetUtcNow().ToUnixTimeMilliseconds();

        await Assert.ThrowsAsync<ConflictException>(() => store.ApproveAsync(request.Id, "alice", "mine", now));
        var first = await store.ApproveAsync(request.Id, "bob", "one", now);
        Assert.False(first.Moved);
        await Assert.ThrowsAsync<ConflictException>(() => store.ApproveAsync(request.Id, "bob", "again", now));
        Assert.Equal(1, (await registry.GetVersionByAliasAsync(Model, "champion")).Version.Version);

        var second = await store.ApproveAsync(request.Id, "carol", "two", now);
        Assert.True(second.Moved);
        Assert.Equal(2, (await registry.GetVersionByAliasAsync(Model, "champion")).Version.Version);
        var stored = await store.FindAsync(request.Id);
        Assert.Equal(PromotionStates.Approved, stored!.State);
        Assert.Equal(1, stored.PreviousVersion);
        Assert.Equal(["bob", "carol"], stored.Decisions.OrderBy(d => d.Id).Select(d => d.Actor));
        Assert.True((await scope.ServiceProvider.GetRequiredService<IAuditLog>().VerifyAsync()).IsValid);
    }

    [SkippableFact]
    public async Task Approve_VersionDeletedMeanwhile_FailsAndLeavesTheRequestPendingWithoutTheDecision()
    {
        await using var scope = Scope();
        var registry = scope.ServiceProvider.GetRequiredService<IRegistryStore>();
        var store = scope.ServiceProvider.GetRequiredService<IPromotionStore>();
        await SeedAsync(registry, versions: 2);
        var request = await store.CreateAsync(NewRequest(PromotionPolicy.Defaults(RiskTier.Medium)));
        await registry.DeleteVersionAsync(Model, 2, new RegistryCaller("admin", true));

        await Assert.ThrowsAsync<NotFoundException>(() => store.ApproveAsync(request.Id, "bob", "ok", Clock.GetUtcNow().ToUnixTimeMilliseconds()));

        var stored = await store.FindAsync(request.Id);
        Assert.Equal(PromotionStates.Pending, stored!.State);
        Assert.Empty(stored.Decisions);
    }

    [SkippableFact]
    public async Task ExpireDue_PastExpiry_MarksOnlyThoseExpired()
    {
        await using var scope = Scope();
        var registry = scope.ServiceProvider.GetRequiredService<IRegistryStore>();
        var store = scope.ServiceProvider.GetRequiredService<IPromotionStore>();
        await SeedAsync(registry, versions: 2);
        var request = await store.CreateAsync(NewRequest(PromotionPolicy.Defaults(RiskTier.Medium)));

        Assert.Empty(await store.ExpireDueAsync(request.ExpiresAt - 1));
        var expired = await store.ExpireDueAsync(request.ExpiresAt);

        Assert.Equal([request.Id], expired.Select(r => r.Id));
        Assert.Equal(PromotionStates.Expired, (await store.FindAsync(request.Id))!.State);
        await Assert.ThrowsAsync<ConflictException>(() => store.ApproveAsync(request.Id, "bob", "late", request.ExpiresAt));
    }

    private static async Task SeedAsync(IRegistryStore registry, int versions)
    {
        await registry.CreateModelAsync(new NewRegisteredModel(Model, null, []), "alice");
        for (var i = 0; i < versions; i++)
        {
            await registry.CreateVersionAsync(new NewModelVersion { ModelName = Model, Source = $"mlflow-artifacts:/m/{i}" }, "alice");
        }
    }

    private PromotionRequest NewRequest(PromotionPolicy policy)
    {
        var now = Clock.GetUtcNow().ToUnixTimeMilliseconds();
        return new PromotionRequest
        {
            Id = Guid.CreateVersion7(),
            ModelName = Model,
            Version = 2,
            TargetAlias = "champion",
            Justification = "better",
            RequestedBy = "alice",
            RequestedAt = now,
            ExpiresAt = now + 3_600_000,
            PolicyJson = JsonSerializer.Serialize(policy, PolicyJson.Options),
            GatesPassed = true,
        };
    }
}

public sealed class SqlitePromotionStoreTests() : PromotionStoreTests(DatabaseKind.Sqlite);

public sealed class PostgresPromotionStoreTests() : PromotionStoreTests(DatabaseKind.PostgreSql);
