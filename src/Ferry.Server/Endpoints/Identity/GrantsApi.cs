using System.Globalization;
using System.Security.Claims;
using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Core.Tracking;
using Ferry.Server.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ferry.Server.Endpoints.Identity;

/// <summary>
/// Per-resource grants (<c>/api/v1/grants</c>): setting or revoking one needs MANAGE on the resource (an admin, the
/// resource's creator, or whoever was granted MANAGE); listing shows the grants of resources the caller may read.
/// </summary>
public static class GrantsApi
{
    /// <summary>Maps the grant routes.</summary>
    public static IEndpointRouteBuilder MapGrantsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/grants").WithTags("Grants").RequireAuthorization(FerryPolicies.Viewer);
        group.MapGet("/", ListAsync).WithName("ListGrants")
            .WithSummary("Grants (?resourceKind=experiment|registered-model&resource=), of resources the caller may read.");
        group.MapPost("/", SetAsync).RequireAuthorization(FerryPolicies.Scientist).WithName("SetGrant")
            .WithSummary("Adds or replaces a principal's grant on a resource (needs MANAGE on it).");
        group.MapDelete("/", RevokeAsync).RequireAuthorization(FerryPolicies.Scientist).WithName("RevokeGrant")
            .WithSummary("Removes a grant (?resourceKind=&resource=&principalKind=&principal=; needs MANAGE on the resource).");
        return routes;
    }

    /// <summary>Lists grants, filtered to resources the caller may read.</summary>
    public static async Task<Ok<GrantList>> ListAsync(
        string? resourceKind, string? resource, IGrantStore store, ITrackingStore tracking, ResourcePermissions permissions, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(permissions);
        ResourceKind? kind = null;
        string? id = null;
        if (!string.IsNullOrEmpty(resourceKind) || !string.IsNullOrEmpty(resource))
        {
            var target = await ResolveAsync(resourceKind, resource, tracking, cancellationToken);
            (kind, id) = (target.Kind, target.Id);
        }

        var grants = await store.ListAsync(kind, id, cancellationToken);
        var visible = new List<ResourceGrant>();
        foreach (var byKind in grants.GroupBy(g => g.ResourceKind))
        {
            var readable = await permissions.ReadableAsync(user, byKind.Key, [.. byKind.Select(g => g.ResourceId).Distinct(StringComparer.Ordinal)], cancellationToken);
            visible.AddRange(byKind.Where(g => readable.Contains(g.ResourceId)));
        }

        return TypedResults.Ok(new GrantList([.. visible.Select(GrantView.From)]));
    }

    /// <summary>Sets a grant.</summary>
    public static async Task<Results<Ok<GrantView>, ProblemHttpResult>> SetAsync(
        SetGrantRequest request, IGrantStore store, ITrackingStore tracking, IAuthorizationService authorization, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(store);
        RequestText.Check(request.Resource, "resource");
        RequestText.Check(request.Principal, "principal");
        var target = await ResolveAsync(request.ResourceKind, request.Resource, tracking, cancellationToken);
        var principalKind = PrincipalOf(request.PrincipalKind);
        if (!PermissionNames.TryParse(request.Permission, out PermissionLevel permission) || permission == PermissionLevel.None)
        {
            throw new ValidationException("permission", "must be one of READ, EDIT, MANAGE");
        }

        if (await RefuseUnlessManageAsync(authorization, user, target) is { } refused)
        {
            return refused;
        }

        var grant = await store.SetAsync(target.Kind, target.Id, principalKind, request.Principal ?? string.Empty, permission, user.ActorName(), cancellationToken);
        return TypedResults.Ok(GrantView.From(grant));
    }

    /// <summary>Revokes a grant.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        string? resourceKind, string? resource, string? principalKind, string? principal,
        IGrantStore store, ITrackingStore tracking, IAuthorizationService authorization, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var target = await ResolveAsync(resourceKind, resource, tracking, cancellationToken);
        var kind = PrincipalOf(principalKind);
        if (string.IsNullOrWhiteSpace(principal))
        {
            throw new ValidationException("principal", "is required");
        }

        if (await RefuseUnlessManageAsync(authorization, user, target) is { } refused)
        {
            return refused;
        }

        await store.RevokeAsync(target.Kind, target.Id, kind, principal.Trim(), user.ActorName(), cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<ProblemHttpResult?> RefuseUnlessManageAsync(IAuthorizationService authorization, ClaimsPrincipal user, ResourceRef target)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        var result = await authorization.AuthorizeAsync(user, target, new ResourcePermissionRequirement(PermissionLevel.Manage));
        return result.Succeeded
            ? null
            : TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: $"granting on {target.Kind.ToWireName()} '{target.Id}' needs MANAGE on it");
    }

    private static PrincipalKind PrincipalOf(string? text) =>
        PermissionNames.TryParse(text, out PrincipalKind kind) ? kind : throw new ValidationException("principalKind", "must be user or group");

    /// <summary>The resource a request names: an experiment by id or name, or a registered model by name.</summary>
    private static async Task<ResourceRef> ResolveAsync(string? kindText, string? resource, ITrackingStore tracking, CancellationToken cancellationToken)
    {
        if (!PermissionNames.TryParse(kindText, out ResourceKind kind))
        {
            throw new ValidationException("resourceKind", "must be experiment or registered-model");
        }

        if (string.IsNullOrWhiteSpace(resource))
        {
            throw new ValidationException("resource", "is required");
        }

        var name = resource.Trim();
        if (kind == ResourceKind.RegisteredModel)
        {
            return new ResourceRef(kind, name);
        }

        ArgumentNullException.ThrowIfNull(tracking);
        if (long.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return new ResourceRef(kind, id.ToString(CultureInfo.InvariantCulture));
        }

        var experiment = await tracking.FindExperimentByNameAsync(name, cancellationToken)
            ?? throw new NotFoundException($"No experiment is named '{name}'.");
        return new ResourceRef(kind, experiment.Id.ToString(CultureInfo.InvariantCulture));
    }
}
