using System.Text.Encodings.Web;
using Ferry.Core.Identity;
using Ferry.Server.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Ferry.Server.Identity;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;secret&gt;</c> against stored token hashes. A missing or
/// unknown token gets a 401 problem, a role too low a 403 problem; neither ever echoes the secret.
/// </summary>
public sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TokenCache cache)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "FerryToken";

    private const string FailureKey = "ferry.auth.failure";

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            return Fail("the Authorization header must be 'Bearer <token>'");
        }

        var secret = header[7..].Trim();
        var token = await cache.FindActiveAsync(secret, Context.RequestServices, Context.RequestAborted);
        if (token is null)
        {
            return Fail("the token is unknown, revoked or expired");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(TokenPrincipal.Create(token, SchemeName), SchemeName));
    }

    /// <inheritdoc />
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
        var reason = Context.Items[FailureKey] as string ?? "this route needs 'Authorization: Bearer <token>'";
        return ProblemResponses.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Authentication required", reason);
    }

    /// <inheritdoc />
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var held = FerryPolicies.RoleOf(Context.User)?.ToWireName() ?? "none";
        return ProblemResponses.WriteAsync(Context, StatusCodes.Status403Forbidden, "Forbidden",
            $"the token's role '{held}' is too low for this route");
    }

    private AuthenticateResult Fail(string reason)
    {
        Context.Items[FailureKey] = reason;
        return AuthenticateResult.Fail(reason);
    }
}
