using System.Security.Claims;
using Ferry.Core.Identity;
using Microsoft.AspNetCore.Authorization;

namespace Ferry.Server.Identity;

/// <summary>One authorization policy per role; a policy admits that role and every role above it.</summary>
public static class FerryPolicies
{
    /// <summary>Any valid token (the fallback for every route not marked otherwise).</summary>
    public const string Viewer = "role:viewer";

    /// <summary>Scientist or above: writes experiments, runs and versions.</summary>
    public const string Scientist = "role:scientist";

    /// <summary>Approver or above: approvals, protected aliases, the audit trail.</summary>
    public const string Approver = "role:approver";

    /// <summary>Admin only: tokens and settings.</summary>
    public const string Admin = "role:admin";

    /// <summary>The policy name for a role.</summary>
    public static string For(Role role) => "role:" + role.ToWireName();

    /// <summary>Adds the four policies and makes <see cref="Viewer"/> the fallback, so no route is open unless it says so.</summary>
    public static AuthorizationBuilder AddFerryPolicies(this AuthorizationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var role in Roles.All)
        {
            builder.AddPolicy(For(role), policy => policy
                .AddAuthenticationSchemes(TokenAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser()
                .AddRequirements(new MinimumRoleRequirement(role)));
        }

        return builder.SetFallbackPolicy(new AuthorizationPolicyBuilder(TokenAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser()
            .AddRequirements(new MinimumRoleRequirement(Role.Viewer))
            .Build());
    }

    /// <summary>The role carried by an authenticated principal, if any.</summary>
    public static Role? RoleOf(ClaimsPrincipal user) =>
        Roles.TryParse(user?.FindFirstValue(ClaimTypes.Role), out var role) ? role : null;
}

/// <summary>Requires the caller's role to be at least <see cref="Minimum"/>.</summary>
/// <param name="Minimum">The lowest role admitted.</param>
public sealed record MinimumRoleRequirement(Role Minimum) : IAuthorizationRequirement;

/// <summary>Checks <see cref="MinimumRoleRequirement"/> against the token's role claim.</summary>
public sealed class MinimumRoleHandler : AuthorizationHandler<MinimumRoleRequirement>
{
    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, MinimumRoleRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requirement);
        if (FerryPolicies.RoleOf(context.User) is { } held && held.Satisfies(requirement.Minimum))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
