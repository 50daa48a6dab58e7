namespace Ferry.Core.Identity;

/// <summary>A named set of principals (token names); grants given to a group apply to each member.</summary>
public sealed class PrincipalGroup
{
    /// <summary>The group's name (unique, 1 to 200 characters).</summary>
    public required string Name { get; set; }

    /// <summary>What the group is for.</summary>
    public string? Description { get; set; }

    /// <summary>Who created it.</summary>
    public required string CreatedBy { get; set; }

    /// <summary>When.</summary>
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>One member of a group.</summary>
public sealed class GroupMember
{
    /// <summary>The group.</summary>
    public required string GroupName { get; set; }

    /// <summary>The member: a token name.</summary>
    public required string Member { get; set; }

    /// <summary>Who added it.</summary>
    public required string AddedBy { get; set; }

    /// <summary>When.</summary>
    public DateTimeOffset AddedAt { get; set; }
}

/// <summary>A permission on one resource, given to a user or a group.</summary>
public sealed class ResourceGrant
{
    /// <summary>The kind of resource.</summary>
    public ResourceKind ResourceKind { get; set; }

    /// <summary>The resource's key: an experiment's id, a registered model's name.</summary>
    public required string ResourceId { get; set; }

    /// <summary>Whether <see cref="PrincipalName"/> is a token name or a group.</summary>
    public PrincipalKind PrincipalKind { get; set; }

    /// <summary>The token or group name.</summary>
    public required string PrincipalName { get; set; }

    /// <summary>The permission granted.</summary>
    public PermissionLevel Permission { get; set; }

    /// <summary>Who granted it.</summary>
    public required string GrantedBy { get; set; }

    /// <summary>When.</summary>
    public DateTimeOffset GrantedAt { get; set; }
}

/// <summary>Who owns a resource: the group of the token that created it, and that token.</summary>
public sealed class ResourceOwner
{
    /// <summary>The kind of resource.</summary>
    public ResourceKind ResourceKind { get; set; }

    /// <summary>The resource's key: an experiment's id, a registered model's name.</summary>
    public required string ResourceId { get; set; }

    /// <summary>The owning group; null when its creator had none (then only roles apply).</summary>
    public string? OwnerGroup { get; set; }

    /// <summary>The token that created it.</summary>
    public required string CreatedBy { get; set; }

    /// <summary>When.</summary>
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A group with its members.</summary>
/// <param name="Group">The group.</param>
/// <param name="Members">Its members' names, sorted.</param>
public sealed record GroupWithMembers(PrincipalGroup Group, IReadOnlyList<string> Members);

/// <summary>Everything that decides one principal's access to resources of one kind.</summary>
/// <param name="Owners">Owner rows by resource key.</param>
/// <param name="Grants">Grants naming the principal or one of its groups, by resource key.</param>
public sealed record ResourceAccessData(IReadOnlyDictionary<string, ResourceOwner> Owners, IReadOnlyDictionary<string, IReadOnlyList<ResourceGrant>> Grants);

/// <summary>Port: groups and their members; every change is audited.</summary>
public interface IGroupStore
{
    /// <summary>Creates a group.</summary>
    /// <exception cref="Errors.ConflictException">A group already has that name.</exception>
    Task<PrincipalGroup> CreateAsync(string name, string? description, string actor, CancellationToken cancellationToken = default);

    /// <summary>Every group with its members, by name.</summary>
    Task<IReadOnlyList<GroupWithMembers>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>One group with its members, or null.</summary>
    Task<GroupWithMembers?> FindAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Deletes a group, its memberships and the grants given to it.</summary>
    /// <exception cref="Errors.NotFoundException">No such group.</exception>
    Task DeleteAsync(string name, string actor, CancellationToken cancellationToken = default);

    /// <summary>Adds a member (already a member: nothing changes).</summary>
    /// <exception cref="Errors.NotFoundException">No such group.</exception>
    Task AddMemberAsync(string name, string member, string actor, CancellationToken cancellationToken = default);

    /// <summary>Removes a member.</summary>
    /// <exception cref="Errors.NotFoundException">No such group, or not a member.</exception>
    Task RemoveMemberAsync(string name, string member, string actor, CancellationToken cancellationToken = default);

    /// <summary>The names of the groups <paramref name="principal"/> belongs to, sorted.</summary>
    Task<IReadOnlyList<string>> GroupsOfAsync(string principal, CancellationToken cancellationToken = default);
}

/// <summary>Port: per-resource grants and owners; every change is audited.</summary>
public interface IGrantStore
{
    /// <summary>Sets (adds or replaces) a grant.</summary>
    /// <exception cref="Errors.NotFoundException">A group principal that does not exist.</exception>
    Task<ResourceGrant> SetAsync(ResourceKind kind, string resourceId, PrincipalKind principalKind, string principalName, PermissionLevel permission, string actor, CancellationToken cancellationToken = default);

    /// <summary>Removes a grant.</summary>
    /// <exception cref="Errors.NotFoundException">No such grant.</exception>
    Task RevokeAsync(ResourceKind kind, string resourceId, PrincipalKind principalKind, string principalName, string actor, CancellationToken cancellationToken = default);

    /// <summary>Grants, optionally of one resource, ordered by resource and principal.</summary>
    Task<IReadOnlyList<ResourceGrant>> ListAsync(ResourceKind? kind, string? resourceId, CancellationToken cancellationToken = default);

    /// <summary>The owner row of a resource, or null.</summary>
    Task<ResourceOwner?> FindOwnerAsync(ResourceKind kind, string resourceId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a just-created resource: its owner group (may be null) and a MANAGE grant for its creator. Grants left
    /// from an earlier resource with the same key (a deleted model's name) are removed first.
    /// </summary>
    Task ClaimAsync(ResourceKind kind, string resourceId, string? ownerGroup, string creator, CancellationToken cancellationToken = default);

    /// <summary>Moves a resource's owner row and grants to a new key (a registered model renamed).</summary>
    Task MoveAsync(ResourceKind kind, string fromId, string toId, string actor, CancellationToken cancellationToken = default);

    /// <summary>Owners of every resource of <paramref name="kind"/>, and the grants naming the principal or its groups.</summary>
    Task<ResourceAccessData> AccessDataAsync(ResourceKind kind, string principal, IReadOnlyList<string> groups, IReadOnlyCollection<string>? resourceIds, CancellationToken cancellationToken = default);
}
