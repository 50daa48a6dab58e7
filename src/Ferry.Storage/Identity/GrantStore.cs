using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Storage.Audit;
using Microsoft.EntityFrameworkCore;

namespace Ferry.Storage.Identity;

/// <summary>Stores per-resource grants and owners in <see cref="FerryDbContext"/>; every change is audited.</summary>
public sealed class GrantStore(FerryDbContext db, AuditedWriter writer, TimeProvider clock) : IGrantStore
{
    /// <inheritdoc />
    public Task<ResourceGrant> SetAsync(ResourceKind kind, string resourceId, PrincipalKind principalKind, string principalName, PermissionLevel permission, string actor, CancellationToken cancellationToken = default)
    {
        var id = CheckName(resourceId, "resource", 256);
        var principal = CheckName(principalName, "principal");
        if (permission is not (PermissionLevel.Read or PermissionLevel.Edit or PermissionLevel.Manage))
        {
            throw new ValidationException("permission", "must be one of READ, EDIT, MANAGE");
        }

        return writer.RunAsync(actor, async (context, ct) =>
        {
            if (principalKind == PrincipalKind.Group && !await context.Groups.AnyAsync(g => g.Name == principal, ct))
            {
                throw new NotFoundException($"No group is named '{principal}'.");
            }

            var grant = await context.ResourceGrants.FirstOrDefaultAsync(
                g => g.ResourceKind == kind && g.ResourceId == id && g.PrincipalKind == principalKind && g.PrincipalName == principal, ct);
            var previous = grant?.Permission;
            if (grant is null)
            {
                grant = new ResourceGrant { ResourceKind = kind, ResourceId = id, PrincipalKind = principalKind, PrincipalName = principal, GrantedBy = actor };
                context.ResourceGrants.Add(grant);
            }

            grant.Permission = permission;
            grant.GrantedBy = actor;
            grant.GrantedAt = AuditChain.Normalize(clock.GetUtcNow());
            return (grant, AuditRecord.Of("grant.set", Target(kind, id), new
            {
                Principal = $"{principalKind.ToWireName()}/{principal}",
                Permission = permission.ToWireName(),
                Previous = previous?.ToWireName(),
            }));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task RevokeAsync(ResourceKind kind, string resourceId, PrincipalKind principalKind, string principalName, string actor, CancellationToken cancellationToken = default) =>
        writer.RunAsync(actor, async (context, ct) =>
        {
            var grant = await context.ResourceGrants.FirstOrDefaultAsync(
                g => g.ResourceKind == kind && g.ResourceId == resourceId && g.PrincipalKind == principalKind && g.PrincipalName == principalName, ct)
                ?? throw new NotFoundException($"{principalKind.ToWireName()} '{principalName}' holds no grant on {kind.ToWireName()} '{resourceId}'.");
            context.ResourceGrants.Remove(grant);
            return (true, AuditRecord.Of("grant.revoke", Target(kind, resourceId), new
            {
                Principal = $"{principalKind.ToWireName()}/{principalName}",
                Permission = grant.Permission.ToWireName(),
            }));
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<ResourceGrant>> ListAsync(ResourceKind? kind, string? resourceId, CancellationToken cancellationToken = default)
    {
        var grants = db.ResourceGrants.AsNoTracking();
        if (kind is { } k)
        {
            grants = grants.Where(g => g.ResourceKind == k);
        }

        if (resourceId is not null)
        {
            grants = grants.Where(g => g.ResourceId == resourceId);
        }

        var list = await grants.ToListAsync(cancellationToken);
        return [.. list.OrderBy(g => g.ResourceKind).ThenBy(g => g.ResourceId, StringComparer.Ordinal)
            .ThenBy(g => g.PrincipalKind).ThenBy(g => g.PrincipalName, StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public Task<ResourceOwner?> FindOwnerAsync(ResourceKind kind, string resourceId, CancellationToken cancellationToken = default) =>
        db.ResourceOwners.AsNoTracking().FirstOrDefaultAsync(o => o.ResourceKind == kind && o.ResourceId == resourceId, cancellationToken);

    /// <inheritdoc />
    public Task ClaimAsync(ResourceKind kind, string resourceId, string? ownerGroup, string creator, CancellationToken cancellationToken = default) =>
        writer.RunAsync(creator, async (context, ct) =>
        {
            var now = AuditChain.Normalize(clock.GetUtcNow());
            await context.ResourceGrants.Where(g => g.ResourceKind == kind && g.ResourceId == resourceId).ExecuteDeleteAsync(ct);
            await context.ResourceOwners.Where(o => o.ResourceKind == kind && o.ResourceId == resourceId).ExecuteDeleteAsync(ct);
            context.ResourceOwners.Add(new ResourceOwner { ResourceKind = kind, ResourceId = resourceId, OwnerGroup = ownerGroup, CreatedBy = creator, CreatedAt = now });
            context.ResourceGrants.Add(new ResourceGrant
            {
                ResourceKind = kind,
                ResourceId = resourceId,
                PrincipalKind = PrincipalKind.User,
                PrincipalName = creator,
                Permission = PermissionLevel.Manage,
                GrantedBy = creator,
                GrantedAt = now,
            });
            return (true, AuditRecord.Of("grant.claim", Target(kind, resourceId), new { OwnerGroup = ownerGroup, Creator = creator }));
        }, cancellationToken);

    /// <inheritdoc />
    public Task MoveAsync(ResourceKind kind, string fromId, string toId, string actor, CancellationToken cancellationToken = default) =>
        writer.RunAsync(actor, async (context, ct) =>
        {
            var owner = await context.ResourceOwners.AsNoTracking().FirstOrDefaultAsync(o => o.ResourceKind == kind && o.ResourceId == fromId, ct);
            var grants = await context.ResourceGrants.AsNoTracking().Where(g => g.ResourceKind == kind && g.ResourceId == fromId).ToListAsync(ct);
            await context.ResourceGrants.Where(g => g.ResourceKind == kind && (g.ResourceId == fromId || g.ResourceId == toId)).ExecuteDeleteAsync(ct);
            await context.ResourceOwners.Where(o => o.ResourceKind == kind && (o.ResourceId == fromId || o.ResourceId == toId)).ExecuteDeleteAsync(ct);
            if (owner is not null)
            {
                owner.ResourceId = toId;
                context.ResourceOwners.Add(owner);
            }

            foreach (var grant in grants)
            {
                grant.ResourceId = toId;
                context.ResourceGrants.Add(grant);
            }

            return (true, AuditRecord.Of("grant.move", Target(kind, toId), new { From = fromId, Grants = grants.Count }));
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<ResourceAccessData> AccessDataAsync(ResourceKind kind, string principal, IReadOnlyList<string> groups, IReadOnlyCollection<string>? resourceIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var owners = db.ResourceOwners.AsNoTracking().Where(o => o.ResourceKind == kind);
        var grants = db.ResourceGrants.AsNoTracking().Where(g => g.ResourceKind == kind
            && ((g.PrincipalKind == PrincipalKind.User && g.PrincipalName == principal)
                || (g.PrincipalKind == PrincipalKind.Group && groups.Contains(g.PrincipalName))));
        if (resourceIds is not null)
        {
            owners = owners.Where(o => resourceIds.Contains(o.ResourceId));
            grants = grants.Where(g => resourceIds.Contains(g.ResourceId));
        }

        var ownerRows = await owners.ToListAsync(cancellationToken);
        var grantRows = await grants.ToListAsync(cancellationToken);
        return new ResourceAccessData(
            ownerRows.ToDictionary(o => o.ResourceId, StringComparer.Ordinal),
            grantRows.GroupBy(g => g.ResourceId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (IReadOnlyList<ResourceGrant>)[.. g], StringComparer.Ordinal));
    }

    /// <summary>A trimmed name, 1 to <paramref name="max"/> characters, or a 400 naming <paramref name="field"/>.</summary>
    internal static string CheckName(string? name, string field, int max = 200)
    {
        var trimmed = name?.Trim();
        return string.IsNullOrEmpty(trimmed) || trimmed.Length > max
            ? throw new ValidationException(field, $"must be 1 to {max} characters")
            : trimmed;
    }

    private static string Target(ResourceKind kind, string id) => $"{kind.ToWireName()}/{id}";
}
