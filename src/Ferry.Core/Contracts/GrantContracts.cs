using Ferry.Core.Identity;

namespace Ferry.Core.Contracts;

/// <summary>A group as the API shows it.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Description">What it is for.</param>
/// <param name="Members">Its members (token names), sorted.</param>
/// <param name="CreatedBy">Who created it.</param>
/// <param name="CreatedAt">When.</param>
public sealed record GroupView(string Name, string? Description, IReadOnlyList<string> Members, string CreatedBy, DateTimeOffset CreatedAt)
{
    /// <summary>Projects a stored group.</summary>
    public static GroupView From(GroupWithMembers entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new(entry.Group.Name, entry.Group.Description, entry.Members, entry.Group.CreatedBy, entry.Group.CreatedAt);
    }
}

/// <summary>Every group.</summary>
/// <param name="Groups">By name.</param>
public sealed record GroupList(IReadOnlyList<GroupView> Groups);

/// <summary>Body of <c>POST /api/v1/groups</c>.</summary>
/// <param name="Name">1 to 200 characters.</param>
/// <param name="Description">Optional.</param>
public sealed record CreateGroupRequest(string? Name, string? Description);

/// <summary>Body of <c>POST /api/v1/groups/{name}/members</c>.</summary>
/// <param name="Member">A token name.</param>
public sealed record GroupMemberRequest(string? Member);

/// <summary>A grant as the API shows it.</summary>
/// <param name="ResourceKind">"experiment" or "registered-model".</param>
/// <param name="Resource">The experiment's id or the model's name.</param>
/// <param name="PrincipalKind">"user" or "group".</param>
/// <param name="Principal">A token or group name.</param>
/// <param name="Permission">"READ", "EDIT" or "MANAGE".</param>
/// <param name="GrantedBy">Who granted it.</param>
/// <param name="GrantedAt">When.</param>
public sealed record GrantView(string ResourceKind, string Resource, string PrincipalKind, string Principal, string Permission, string GrantedBy, DateTimeOffset GrantedAt)
{
    /// <summary>Projects a stored grant.</summary>
    public static GrantView From(ResourceGrant grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        return new(grant.ResourceKind.ToWireName(), grant.ResourceId, grant.PrincipalKind.ToWireName(), grant.PrincipalName, grant.Permission.ToWireName(), grant.GrantedBy, grant.GrantedAt);
    }
}

/// <summary>Grants, by resource and principal.</summary>
/// <param name="Grants">The grants.</param>
public sealed record GrantList(IReadOnlyList<GrantView> Grants);

/// <summary>Body of <c>POST /api/v1/grants</c> (adds or replaces the principal's grant on the resource).</summary>
/// <param name="ResourceKind">"experiment" or "registered-model".</param>
/// <param name="Resource">An experiment's id or name, or a registered model's name.</param>
/// <param name="PrincipalKind">"user" or "group".</param>
/// <param name="Principal">A token or group name.</param>
/// <param name="Permission">"READ", "EDIT" or "MANAGE".</param>
public sealed record SetGrantRequest(string? ResourceKind, string? Resource, string? PrincipalKind, string? Principal, string? Permission);
