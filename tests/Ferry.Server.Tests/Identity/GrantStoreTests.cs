using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Governance;
using Ferry.Core.Identity;
using Ferry.Server.Identity;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Server.Tests.Identity;

/// <summary>Groups, grants and owners on a real database: stored, read back, audited, and resolved into permissions.</summary>
public abstract class GrantStoreTests(DatabaseKind kind) : StorageTestBase(kind)
{
    [Fact]
    public async Task Groups_CreateAddMembersDelete_RoundTripAndDirectoryAnswers()
    {
        await using var scope = Scope();
        var groups = scope.ServiceProvider.GetRequiredService<IGroupStore>();
        await groups.CreateAsync("team-a", "credit risk", "admin");
        await groups.AddMemberAsync("team-a", "bob", "admin");
        await groups.AddMemberAsync("team-a", "alice", "admin");
        await groups.AddMemberAsync("team-a", "alice", "admin");
        await Assert.ThrowsAsync<ConflictException>(() => groups.CreateAsync("team-a", null, "admin"));
        await Assert.ThrowsAsync<NotFoundException>(() => groups.AddMemberAsync("team-z", "alice", "admin"));

        var found = await groups.FindAsync("team-a");
        Assert.NotNull(found);
        Assert.Equal(["alice", "bob"], found.Members);
        Assert.Equal("credit risk", found.Group.Description);
        var directory = scope.ServiceProvider.GetRequiredService<IGroupDirectory>();
        Assert.Equal(["team-a"], await directory.GroupsOfAsync("alice", CancellationToken.None));

        await groups.RemoveMemberAsync("team-a", "bob", "admin");
        Assert.Empty(await directory.GroupsOfAsync("bob", CancellationToken.None));
        await groups.DeleteAsync("team-a", "admin");
        Assert.Null(await groups.FindAsync("team-a"));
        Assert.Empty(await directory.GroupsOfAsync("alice", CancellationToken.None));
        var audit = scope.ServiceProvider.GetRequiredService<IAuditLog>();
        Assert.True((await audit.VerifyAsync()).IsValid);
    }

    [Fact]
    public async Task TokenGroup_CountsAsMembership_AndMustExist()
    {
        await using var scope = Scope();
        var groups = scope.ServiceProvider.GetRequiredService<IGroupStore>();
        var tokens = scope.ServiceProvider.GetRequiredService<ITokenStore>();
        await Assert.ThrowsAsync<NotFoundException>(() => tokens.CreateAsync("carol", Role.Scientist, null, "team-b", "admin"));
        await groups.CreateAsync("team-b", null, "admin");
        var created = await tokens.CreateAsync("carol", Role.Scientist, null, "team-b", "admin");
        Assert.Equal("team-b", created.Token.Group);
        Assert.Equal("team-b", (await tokens.FindActiveAsync(created.Token.SecretHash))?.Group);
        Assert.Equal(["team-b"], await groups.GroupsOfAsync("carol"));
    }

    [Fact]
    public async Task Grants_SetReplaceRevokeClaimMove_AreStoredAndAudited()
    {
        await using var scope = Scope();
        var groups = scope.ServiceProvider.GetRequiredService<IGroupStore>();
        var grants = scope.ServiceProvider.GetRequiredService<IGrantStore>();
        await groups.CreateAsync("team-a", null, "admin");
        await grants.ClaimAsync(ResourceKind.RegisteredModel, "credit", "team-a", "alice");
        var owner = await grants.FindOwnerAsync(ResourceKind.RegisteredModel, "credit");
        Assert.Equal("team-a", owner?.OwnerGroup);
        Assert.Equal("alice", owner?.CreatedBy);

        await grants.SetAsync(ResourceKind.RegisteredModel, "credit", PrincipalKind.User, "bob", PermissionLevel.Read, "alice");
        await grants.SetAsync(ResourceKind.RegisteredModel, "credit", PrincipalKind.User, "bob", PermissionLevel.Edit, "alice");
        await Assert.ThrowsAsync<NotFoundException>(() =>
            grants.SetAsync(ResourceKind.RegisteredModel, "credit", PrincipalKind.Group, "team-z", PermissionLevel.Read, "alice"));
        var listed = await grants.ListAsync(ResourceKind.RegisteredModel, "credit");
        Assert.Equal([("alice", PermissionLevel.Manage), ("bob", PermissionLevel.Edit)], listed.Select(g => (g.PrincipalName, g.Permission)));

        await grants.MoveAsync(ResourceKind.RegisteredModel, "credit", "credit-v2", "alice");
        Assert.Empty(await grants.ListAsync(ResourceKind.RegisteredModel, "credit"));
        Assert.Equal(2, (await grants.ListAsync(ResourceKind.RegisteredModel, "credit-v2")).Count);
        Assert.Equal("team-a", (await grants.FindOwnerAsync(ResourceKind.RegisteredModel, "credit-v2"))?.OwnerGroup);

        await grants.RevokeAsync(ResourceKind.RegisteredModel, "credit-v2", PrincipalKind.User, "bob", "alice");
        await Assert.ThrowsAsync<NotFoundException>(() => grants.RevokeAsync(ResourceKind.RegisteredModel, "credit-v2", PrincipalKind.User, "bob", "alice"));

        // A model created again under a deleted one's name starts clean.
        await grants.SetAsync(ResourceKind.RegisteredModel, "credit-v2", PrincipalKind.User, "mallory", PermissionLevel.Manage, "alice");
        await grants.ClaimAsync(ResourceKind.RegisteredModel, "credit-v2", null, "dave");
        Assert.Equal(["dave"], (await grants.ListAsync(ResourceKind.RegisteredModel, "credit-v2")).Select(g => g.PrincipalName));

        var audit = scope.ServiceProvider.GetRequiredService<IAuditLog>();
        var actions = (await audit.QueryAsync(new AuditQuery())).Select(e => e.Action).ToList();
        Assert.Contains("grant.set", actions);
        Assert.Contains("grant.revoke", actions);
        Assert.Contains("grant.claim", actions);
        Assert.Contains("grant.move", actions);
        Assert.True((await audit.VerifyAsync()).IsValid);
    }

    [Fact]
    public async Task AccessData_ResolvesOwnerMembersGrantsAndRoleCaps()
    {
        await using var scope = Scope();
        var groups = scope.ServiceProvider.GetRequiredService<IGroupStore>();
        var grants = scope.ServiceProvider.GetRequiredService<IGrantStore>();
        await groups.CreateAsync("team-a", null, "admin");
        await groups.CreateAsync("auditors", null, "admin");
        await groups.AddMemberAsync("team-a", "alice", "admin");
        await groups.AddMemberAsync("auditors", "erin", "admin");
        await grants.ClaimAsync(ResourceKind.Experiment, "7", "team-a", "alice");
        await grants.ClaimAsync(ResourceKind.Experiment, "8", null, "nogroup");
        await grants.SetAsync(ResourceKind.Experiment, "7", PrincipalKind.Group, "auditors", PermissionLevel.Read, "alice");

        async Task<PermissionLevel> LevelAsync(string principal, Role role, string id, PermissionLevel others = PermissionLevel.None)
        {
            var memberOf = await groups.GroupsOfAsync(principal);
            var data = await grants.AccessDataAsync(ResourceKind.Experiment, principal, memberOf, [id]);
            return ResourcePermissions.Resolve(role, memberOf, data.Owners.GetValueOrDefault(id), data.Grants.GetValueOrDefault(id) ?? [], others);
        }

        Assert.Equal(PermissionLevel.Manage, await LevelAsync("alice", Role.Scientist, "7"));
        Assert.Equal(PermissionLevel.Read, await LevelAsync("alice", Role.Viewer, "7"));
        Assert.Equal(PermissionLevel.Read, await LevelAsync("erin", Role.Scientist, "7"));
        Assert.Equal(PermissionLevel.None, await LevelAsync("mallory", Role.Approver, "7"));
        Assert.Equal(PermissionLevel.Read, await LevelAsync("mallory", Role.Approver, "7", PermissionLevel.Read));
        Assert.Equal(PermissionLevel.Manage, await LevelAsync("mallory", Role.Admin, "7"));
        await groups.AddMemberAsync("team-a", "bob", "admin");
        Assert.Equal(PermissionLevel.Edit, await LevelAsync("bob", Role.Scientist, "7"));

        // Without an owner group (or without any owner row) only the role counts.
        Assert.Equal(PermissionLevel.Manage, await LevelAsync("mallory", Role.Scientist, "8"));
        Assert.Equal(PermissionLevel.Manage, await LevelAsync("mallory", Role.Scientist, "9"));
        Assert.Equal(PermissionLevel.Read, await LevelAsync("mallory", Role.Viewer, "9"));
    }
}

public sealed class SqliteGrantStoreTests() : GrantStoreTests(DatabaseKind.Sqlite);

public sealed class PostgresGrantStoreTests() : GrantStoreTests(DatabaseKind.PostgreSql);
