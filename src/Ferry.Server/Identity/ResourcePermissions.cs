using System.Security.Claims;
using Ferry.Core.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Identity;

/// <summary>A resource that carries grants: an experiment (by id) or a registered model (by name).</summary>
/// <param name="Kind">Its kind.</param>
/// <param name="Id">Its key.</param>
public sealed record ResourceRef(ResourceKind Kind, string Id);

/// <summary>Requires at least <see cref="Minimum"/> on the <see cref="ResourceRef"/> being authorized.</summary>
/// <param name="Minimum">The lowest permission admitted.</param>
public sealed record ResourcePermissionRequirement(PermissionLevel Minimum) : IAuthorizationRequirement;

/// <summary>ASP.NET Core's resource-based authorization for <see cref="ResourceRef"/>: succeeds when the caller's effective permission suffices.</summary>
/// <remarks>
/// ASP.NET Core builds every registered handler for every authorization, most of which (a predict, a role check) carry
/// no <see cref="ResourceRef"/>. The request's <see cref="ResourcePermissions"/> (and with it the stores and a database
/// context) is therefore resolved only when this handler has a requirement to judge: built eagerly, it was ~19 % of a
/// single-row predict's server CPU (docs/benchmarks.md).
/// </remarks>
public sealed class ResourcePermissionHandler(IServiceProvider services) : AuthorizationHandler<ResourcePermissionRequirement, ResourceRef>
{
    /// <inheritdoc />
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, ResourcePermissionRequirement requirement, ResourceRef resource)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requirement);
        var permissions = services.GetRequiredService<ResourcePermissions>();
        if (await permissions.EffectiveAsync(context.User, resource, CancellationToken.None) >= requirement.Minimum)
        {
            context.Succeed(requirement);
        }
    }
}

/// <summary>
/// Computes a caller's effective permission on experiments and registered models (one instance per request, so the
/// caller's groups are read once). The role caps it (a viewer reads at most); admins bypass grants; a resource with an
/// owner group gives its members EDIT, others <see cref="PermissionOptions.DefaultPermission"/>, and grants to the
/// caller or its groups add; a resource without an owner group (made before grants existed, or by a token without a
/// group) is governed by the role alone.
/// </summary>
public sealed class ResourcePermissions(IGroupStore groups, IGrantStore grants, IOptions<PermissionOptions> options)
{
    private readonly PermissionLevel _default = options.Value.DefaultPermission;
    private IReadOnlyList<string>? _groups;
    private string? _groupsOf;

    /// <summary>The claim carrying a token's primary group.</summary>
    public const string GroupClaim = "ferry:group";

    /// <summary>
    /// Whether no grant can restrict <paramref name="user"/> (an admin: <see cref="Resolve"/> gives them
    /// <see cref="PermissionLevel.Manage"/> everywhere), so a caller may skip looking resources up for them.
    /// </summary>
    public static bool Unrestricted(ClaimsPrincipal user) => FerryPolicies.RoleOf(user) == Role.Admin;

    /// <summary>The caller's effective permission on one resource.</summary>
    public async Task<PermissionLevel> EffectiveAsync(ClaimsPrincipal user, ResourceRef resource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(resource);
        var role = FerryPolicies.RoleOf(user);
        if (role is null)
        {
            return PermissionLevel.None;
        }

        if (role == Role.Admin)
        {
            return PermissionLevel.Manage;
        }

        var principal = user.ActorName();
        var memberOf = await GroupsOfAsync(user, cancellationToken);
        var data = await grants.AccessDataAsync(resource.Kind, principal, memberOf, [resource.Id], cancellationToken);
        return Resolve(role.Value, memberOf, data.Owners.GetValueOrDefault(resource.Id), data.Grants.GetValueOrDefault(resource.Id) ?? [], _default);
    }

    /// <summary>Which of <paramref name="ids"/> the caller may read (for filtering search results).</summary>
    public async Task<ISet<string>> ReadableAsync(ClaimsPrincipal user, ResourceKind kind, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(ids);
        var role = FerryPolicies.RoleOf(user);
        if (role is null)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }

        if (role == Role.Admin || ids.Count == 0)
        {
            return new HashSet<string>(ids, StringComparer.Ordinal);
        }

        var memberOf = await GroupsOfAsync(user, cancellationToken);
        var data = await grants.AccessDataAsync(kind, user.ActorName(), memberOf, ids, cancellationToken);
        return ids.Where(id => Resolve(role.Value, memberOf, data.Owners.GetValueOrDefault(id), data.Grants.GetValueOrDefault(id) ?? [], _default) >= PermissionLevel.Read)
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The groups the caller belongs to: its memberships and its token's primary group.</summary>
    public async Task<IReadOnlyList<string>> GroupsOfAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var principal = user.ActorName();
        if (_groups is null || _groupsOf != principal)
        {
            var memberOf = (await groups.GroupsOfAsync(principal, cancellationToken)).ToList();
            if (user.FindFirstValue(GroupClaim) is { Length: > 0 } primary && !memberOf.Contains(primary, StringComparer.Ordinal))
            {
                memberOf.Add(primary);
            }

            (_groups, _groupsOf) = (memberOf, principal);
        }

        return _groups;
    }

    /// <summary>The rule itself, without storage: see the class summary.</summary>
    public static PermissionLevel Resolve(Role role, IReadOnlyCollection<string> memberOf, ResourceOwner? owner, IEnumerable<ResourceGrant> grants, PermissionLevel defaultForOthers)
    {
        ArgumentNullException.ThrowIfNull(memberOf);
        ArgumentNullException.ThrowIfNull(grants);
        if (role == Role.Admin)
        {
            return PermissionLevel.Manage;
        }

        var cap = role.Satisfies(Role.Scientist) ? PermissionLevel.Manage : PermissionLevel.Read;
        if (owner?.OwnerGroup is not { } ownerGroup)
        {
            return cap;
        }

        var level = memberOf.Contains(ownerGroup) ? PermissionLevel.Edit : defaultForOthers;
        foreach (var grant in grants)
        {
            if (grant.Permission > level)
            {
                level = grant.Permission;
            }
        }

        return level < cap ? level : cap;
    }
}
