using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Server.Dashboard;
using Ferry.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Endpoints.Identity;

/// <summary>Dashboard sessions (<c>/api/v1/dashboard/sessions</c>): admins list the open ones and revoke any.</summary>
public static class DashboardSessionsApi
{
    /// <summary>Maps the session routes.</summary>
    public static IEndpointRouteBuilder MapDashboardSessionsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/dashboard/sessions").WithTags("Tokens").RequireAuthorization(FerryPolicies.Admin);
        group.MapGet("/", ListAsync).WithName("ListDashboardSessions");
        group.MapDelete("/{id:guid}", RevokeAsync).WithName("RevokeDashboardSession");
        return routes;
    }

    /// <summary>Lists the sessions neither revoked, expired nor idle too long, newest first.</summary>
    public static async Task<Ok<DashboardSessionList>> ListAsync(IDashboardSessionStore store, IOptions<DashboardOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        var now = clock.GetUtcNow();
        var open = (await store.ListAsync(cancellationToken))
            .Where(s => s.Session.IsActiveAt(now, options.Value.IdleTimeout) && s.Token.IsActiveAt(now));
        return TypedResults.Ok(new DashboardSessionList([.. open.Select(DashboardSessionView.From)]));
    }

    /// <summary>Revokes a session: the browser holding it is signed out at its next page.</summary>
    public static async Task<NoContent> RevokeAsync(Guid id, IDashboardSessionStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return await store.RevokeAsync(id, cancellationToken)
            ? TypedResults.NoContent()
            : throw new NotFoundException($"No open dashboard session has id '{id}'.");
    }
}
