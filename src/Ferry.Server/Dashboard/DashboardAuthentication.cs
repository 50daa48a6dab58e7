using System.Text.Encodings.Web;
using Ferry.Core.Identity;
using Ferry.Server.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Dashboard;

/// <summary>
/// Signs dashboard pages in with a server-side session (<see cref="DashboardSessions"/>) whose random id is kept in an
/// HttpOnly, SameSite=Strict cookie scoped to <c>/ui</c> (set by the sign-in form; never the API token itself). The
/// session and its token are checked on every page, so signing out, revoking the session or revoking the token signs
/// the browser out. Without one, a page redirects to the sign-in form. The cookie is never accepted outside
/// <c>/ui</c>, so it can not be used to call the API from another site.
/// </summary>
public sealed class DashboardAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    DashboardSessions sessions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "FerryDashboard";

    /// <summary>The cookie holding the session id.</summary>
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

        var session = await sessions.AuthenticateAsync(secret.Trim(), Context.RequestServices, Context.RequestAborted);
        if (session is not { Token: var token })
        {
            return AuthenticateResult.Fail("the session is unknown, ended or revoked, or its token is");
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

    /// <summary>A signed-in scientist or above: the promotion decision forms.</summary>
    public const string ScientistName = "dashboard-scientist";

    /// <summary>A signed-in approver or above: the suspend/resume and review forms.</summary>
    public const string ApproverName = "dashboard-approver";
    /// <summary>A signed-in admin: the data-subject tools.</summary>
    public const string AdminName = "dashboard-admin";

    /// <summary>
    /// Registers the scheme, the policy, sessions (<see cref="DashboardOptions"/> bound from
    /// <see cref="DashboardOptions.Section"/> and checked at start-up), antiforgery for the forms and the pages'
    /// <see cref="CardFieldsReader"/>.
    /// </summary>
    public static IServiceCollection AddFerryDashboard(this IServiceCollection services)
    {
        services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DashboardOptions>, DashboardOptionsValidator>();
        services.AddSingleton<DashboardSessions>();
        services.AddDashboardAntiforgery();
        services.AddScoped<CardFieldsReader>();
        services.AddScoped<PromotionAccess>();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, DashboardAuthenticationHandler>(DashboardAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(Name, policy => policy
            .AddAuthenticationSchemes(DashboardAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser()
            .AddRequirements(new MinimumRoleRequirement(Role.Viewer)))
            .AddPolicy(ScientistName, policy => policy
            .AddAuthenticationSchemes(DashboardAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser()
            .AddRequirements(new MinimumRoleRequirement(Role.Scientist)))
            .AddPolicy(ApproverName, policy => policy
            .AddAuthenticationSchemes(DashboardAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser()
            .AddRequirements(new MinimumRoleRequirement(Role.Approver)))
            .AddPolicy(AdminName, policy => policy
            .AddAuthenticationSchemes(DashboardAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser()
            .AddRequirements(new MinimumRoleRequirement(Role.Admin)));
        return services;
    }
}
