using System.Text.Encodings.Web;
using Ferry.Core.Identity;
using Ferry.Server.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Dashboard;

/// <summary>
/// Signs dashboard pages in with the API token kept in an HttpOnly, SameSite=Strict cookie scoped to <c>/ui</c>
/// (set by the sign-in form). The token is checked on every page like a bearer token, so revoking it signs the browser
/// out. Without one, a page redirects to the sign-in form. The cookie is never accepted outside <c>/ui</c>, so it can
/// not be used to call the API from another site.
/// </summary>
public sealed class DashboardAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TokenCache cache)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "FerryDashboard";

    /// <summary>The cookie holding the token.</summary>
    public const string CookieName = "ferry_session";

    /// <summary>Where every dashboard page lives.</summary>
    public const string BasePath = "/ui";

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Path.StartsWithSegments(BasePath) || !Request.Cookies.TryGetValue(CookieName, out var secret) || string.IsNullOrWhiteSpace(secret))
        {
            return AuthenticateResult.NoResult();
        }

        var token = await cache.FindActiveAsync(secret.Trim(), Context.RequestServices, Context.RequestAborted);
        if (token is null)
        {
            return AuthenticateResult.Fail("the token is unknown, revoked or expired");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(TokenPrincipal.Create(token, SchemeName), SchemeName));
    }

    /// <inheritdoc />
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var back = Request.PathBase + Request.Path + Request.QueryString;
        Response.Redirect($"{BasePath}/signin?returnUrl={Uri.EscapeDataString(back)}");
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }
}

/// <summary>The dashboard's authorization policy: a signed-in viewer or above.</summary>
public static class DashboardPolicy
{
    /// <summary>The policy name.</summary>
    public const string Name = "dashboard";

    /// <summary>Registers the scheme, the policy and the pages' <see cref="CardFieldsReader"/>.</summary>
    public static IServiceCollection AddFerryDashboard(this IServiceCollection services)
    {
        services.AddScoped<CardFieldsReader>();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, DashboardAuthenticationHandler>(DashboardAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(Name, policy => policy
            .AddAuthenticationSchemes(DashboardAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser()
            .AddRequirements(new MinimumRoleRequirement(Role.Viewer)));
        return services;
    }
}
