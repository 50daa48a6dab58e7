using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Governance;
using Ferry.Core.Identity;
using Ferry.Storage.Audit;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Identity;

/// <summary>Stores groups and their members in <see cref="FerryDbContext"/>; every change is audited. Also Ferry's <see cref="IGroupDirectory"/>.</summary>
public sealed class GroupStore(FerryDbContext db, AuditedWriter writer, TimeProvider clock) : IGroupStore, IGroupDirectory
{
    /// <inheritdoc />
    public Task<PrincipalGroup> CreateAsync(string name, string? description, string actor, CancellationToken cancellationToken = default)
    {
        var trimmed = GrantStore.CheckName(name, "name");
        return writer.RunAsync(actor, async (context, ct) =>
        {
            if (await context.Groups.AnyAsync(g => g.Name == trimmed, ct))
            {
                throw new ConflictException($"A group is already named '{trimmed}'.");
            }

            var group = new PrincipalGroup
            {
                Name = trimmed,
                Description = string.IsNullOrWhiteSpace(description) ? null : description.Trim(),
                CreatedBy = actor,
                CreatedAt = AuditChain.Normalize(clock.GetUtcNow()),
            };
            context.Groups.Add(group);
            return (group, AuditRecord.Of("group.create", $"group/{group.Name}", new { group.Name, group.Description }));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<GroupWithMembers>> ListAsync(CancellationToken cancellationToken = default)
    {
        var groups = await db.Groups.AsNoTracking().ToListAsync(cancellationToken);
        var members = await db.GroupMembers.AsNoTracking().ToListAsync(cancellationToken);
        var byGroup = members.ToLookup(m => m.GroupName, StringComparer.Ordinal);
        return [.. groups.OrderBy(g => g.Name, StringComparer.Ordinal)
            .Select(g => new GroupWithMembers(g, [.. byGroup[g.Name].Select(m => m.Member).Order(StringComparer.Ordinal)]))];
    }

    /// <inheritdoc />
    public async Task<GroupWithMembers?> FindAsync(string name, CancellationToken cancellationToken = default)
    {
        var group = await db.Groups.AsNoTracking().FirstOrDefaultAsync(g => g.Name == name, cancellationToken);
        if (group is null)
        {
            return null;
        }

        var members = await db.GroupMembers.AsNoTracking().Where(m => m.GroupName == name).Select(m => m.Member).ToListAsync(cancellationToken);
        return new GroupWithMembers(group, [.. members.Order(StringComparer.Ordinal)]);
    }

    /// <inheritdoc />
    public Task DeleteAsync(string name, string actor, CancellationToken cancellationToken = default) =>
        writer.RunAsync(actor, async (context, ct) =>
        {
            var group = await context.Groups.FirstOrDefaultAsync(g => g.Name == name, ct)
                ?? throw new NotFoundException($"No group is named '{name}'.");
            var members = await context.GroupMembers.Where(m => m.GroupName == name).ToListAsync(ct);
            var grants = await context.ResourceGrants.Where(g => g.PrincipalKind == PrincipalKind.Group && g.PrincipalName == name).ToListAsync(ct);
            context.GroupMembers.RemoveRange(members);
            context.ResourceGrants.RemoveRange(grants);
            context.Groups.Remove(group);
            return (true, AuditRecord.Of("group.delete", $"group/{name}", new { Name = name, Members = members.Count, Grants = grants.Count }));
        }, cancellationToken);

    /// <inheritdoc />
    public Task AddMemberAsync(string name, string member, string actor, CancellationToken cancellationToken = default)
    {
        var trimmed = GrantStore.CheckName(member, "member");
        return writer.RunAsync(actor, async (context, ct) =>
        {
            _ = await context.Groups.AnyAsync(g => g.Name == name, ct) ? true : throw new NotFoundException($"No group is named '{name}'.");
            var already = await context.GroupMembers.AnyAsync(m => m.GroupName == name && m.Member == trimmed, ct);
            if (!already)
            {
                context.GroupMembers.Add(new GroupMember { GroupName = name, Member = trimmed, AddedBy = actor, AddedAt = AuditChain.Normalize(clock.GetUtcNow()) });
            }

            return (true, AuditRecord.Of("group.add-member", $"group/{name}", new { Member = trimmed, AlreadyMember = already }));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task RemoveMemberAsync(string name, string member, string actor, CancellationToken cancellationToken = default) =>
        writer.RunAsync(actor, async (context, ct) =>
        {
            var row = await context.GroupMembers.FirstOrDefaultAsync(m => m.GroupName == name && m.Member == member, ct)
                ?? throw new NotFoundException($"'{member}' is not a member of group '{name}'.");
            context.GroupMembers.Remove(row);
            return (true, AuditRecord.Of("group.remove-member", $"group/{name}", new { Member = member }));
        }, cancellationToken);

    /// <summary>The groups <paramref name="principal"/> is a member of, and the primary group of its active token.</summary>
    public async Task<IReadOnlyList<string>> GroupsOfAsync(string principal, CancellationToken cancellationToken = default)
    {
        // Memberships, and the primary group of the active token with that name (names are unique among active tokens).
        var groups = await db.GroupMembers.AsNoTracking().Where(m => m.Member == principal).Select(m => m.GroupName).ToListAsync(cancellationToken);
        var primary = await db.ApiTokens.AsNoTracking().Where(t => t.Name == principal && t.RevokedAt == null && t.Group != null)
            .Select(t => t.Group!).ToListAsync(cancellationToken);
        return [.. groups.Concat(primary).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }
}
