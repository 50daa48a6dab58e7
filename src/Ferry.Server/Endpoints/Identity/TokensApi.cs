using System.Security.Claims;
using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ferry.Server.Endpoints.Identity;

/// <summary>Token management (<c>/api/v1/tokens</c>): admins create, list and revoke; anyone may ask who they are.</summary>
public static class TokensApi
{
    /// <summary>Maps the token routes.</summary>
    public static IEndpointRouteBuilder MapTokensApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/tokens").WithTags("Tokens");
        group.MapGet("/", ListAsync).RequireAuthorization(FerryPolicies.Admin).WithName("ListTokens");
        group.MapPost("/", CreateAsync).RequireAuthorization(FerryPolicies.Admin).WithName("CreateToken");
        group.MapDelete("/{id:guid}", RevokeAsync).RequireAuthorization(FerryPolicies.Admin).WithName("RevokeToken");
        group.MapGet("/me", WhoAmI).RequireAuthorization(FerryPolicies.Viewer).WithName("CurrentToken");
        return routes;
    }

    /// <summary>Lists tokens (active only unless <paramref name="includeRevoked"/>).</summary>
    public static async Task<Ok<TokenList>> ListAsync(ITokenStore store, bool? includeRevoked, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var tokens = await store.ListAsync(includeRevoked ?? false, cancellationToken);
        return TypedResults.Ok(new TokenList([.. tokens.Select(TokenView.From)]));
    }

    /// <summary>Creates a token and returns its secret, once.</summary>
    public static async Task<Created<CreatedTokenResponse>> CreateAsync(CreateTokenRequest request, ITokenStore store, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(store);
        RequestText.Check(request.Name, "name");
        RequestText.Check(request.Group, "group");
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            errors["name"] = ["is required"];
        }

        if (!Roles.TryParse(request.Role, out var role))
        {
            errors["role"] = ["must be one of viewer, scientist, approver, admin"];
        }

        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }

        var created = await store.CreateAsync(request.Name!, role, request.ExpiresAt, request.Group, user.ActorName(), cancellationToken);
        return TypedResults.Created($"/api/v1/tokens/{created.Token.Id}", new CreatedTokenResponse(TokenView.From(created.Token), created.Secret));
    }

    /// <summary>Revokes a token; it stops working at once on this server.</summary>
    public static async Task<Ok<TokenView>> RevokeAsync(Guid id, ITokenStore store, TokenCache cache, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(cache);
        var token = await store.RevokeAsync(id, user.ActorName(), cancellationToken);
        cache.Forget(token.SecretHash);
        return TypedResults.Ok(TokenView.From(token));
    }

    /// <summary>The calling token.</summary>
    public static Ok<CallerView> WhoAmI(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return TypedResults.Ok(new CallerView(
            Guid.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier)!),
            user.ActorName(),
            user.FindFirstValue(ClaimTypes.Role)!));
    }
}
