using System.Security.Claims;
using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ferry.Server.Endpoints.Identity;

/// <summary>Groups (<c>/api/v1/groups</c>): admins create, delete and change members; any token may read them.</summary>
public static class GroupsApi
{
    /// <summary>Maps the group routes.</summary>
    public static IEndpointRouteBuilder MapGroupsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/groups").WithTags("Groups").RequireAuthorization(FerryPolicies.Viewer);
        group.MapGet("/", ListAsync).WithName("ListGroups").WithSummary("Every group with its members.");
        group.MapGet("/{name}", GetAsync).WithName("GetGroup").WithSummary("One group with its members.");
        group.MapPost("/", CreateAsync).RequireAuthorization(FerryPolicies.Admin).WithName("CreateGroup");
        group.MapDelete("/{name}", DeleteAsync).RequireAuthorization(FerryPolicies.Admin).WithName("DeleteGroup")
            .WithSummary("Deletes a group, its memberships and the grants given to it.");
        group.MapPost("/{name}/members", AddMemberAsync).RequireAuthorization(FerryPolicies.Admin).WithName("AddGroupMember");
        group.MapDelete("/{name}/members/{member}", RemoveMemberAsync).RequireAuthorization(FerryPolicies.Admin).WithName("RemoveGroupMember");
        return routes;
    }

    /// <summary>Every group.</summary>
    public static async Task<Ok<GroupList>> ListAsync(IGroupStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var groups = await store.ListAsync(cancellationToken);
        return TypedResults.Ok(new GroupList([.. groups.Select(GroupView.From)]));
    }

    /// <summary>One group.</summary>
    public static async Task<Ok<GroupView>> GetAsync(string name, IGroupStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var group = await store.FindAsync(name, cancellationToken) ?? throw new NotFoundException($"No group is named '{name}'.");
        return TypedResults.Ok(GroupView.From(group));
    }

    /// <summary>Creates a group.</summary>
    public static async Task<Created<GroupView>> CreateAsync(CreateGroupRequest request, IGroupStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(store);
        RequestText.Check(request.Name, "name");
        RequestText.Check(request.Description, "description");
        var created = await store.CreateAsync(request.Name ?? string.Empty, request.Description, user.ActorName(), cancellationToken);
        return TypedResults.Created($"/api/v1/groups/{Uri.EscapeDataString(created.Name)}", GroupView.From(new GroupWithMembers(created, [])));
    }

    /// <summary>Deletes a group.</summary>
    public static async Task<NoContent> DeleteAsync(string name, IGroupStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        await store.DeleteAsync(name, user.ActorName(), cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Adds a member.</summary>
    public static async Task<Ok<GroupView>> AddMemberAsync(string name, GroupMemberRequest request, IGroupStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(store);
        RequestText.Check(request.Member, "member");
        await store.AddMemberAsync(name, request.Member ?? string.Empty, user.ActorName(), cancellationToken);
        return await GetAsync(name, store, cancellationToken);
    }

    /// <summary>Removes a member.</summary>
    public static async Task<Ok<GroupView>> RemoveMemberAsync(string name, string member, IGroupStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        await store.RemoveMemberAsync(name, member, user.ActorName(), cancellationToken);
        return await GetAsync(name, store, cancellationToken);
    }
}
