using Ferry.Core.Identity;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Dashboard;

/// <summary>
/// Server-side dashboard sessions: the browser's cookie holds a random session id (only its hash is stored), never the
/// API token. A session is refused once it is revoked (sign-out, an admin, its token's revocation), idle for
/// <see cref="DashboardOptions.IdleTimeout"/> or older than <see cref="DashboardOptions.AbsoluteLifetime"/>.
/// </summary>
public sealed class DashboardSessions(IOptions<DashboardOptions> options, TimeProvider clock)
{
    private readonly DashboardOptions _options = options.Value;

    /// <summary>Creates a session for <paramref name="token"/> and sets the browser's cookie.</summary>
    public async Task SignInAsync(HttpContext context, ApiToken token)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(token);
        var store = context.RequestServices.GetRequiredService<IDashboardSessionStore>();
        var now = clock.GetUtcNow();
        var expires = token.ExpiresAt is { } tokenExpiry && tokenExpiry < now + _options.AbsoluteLifetime ? tokenExpiry : now + _options.AbsoluteLifetime;
        var created = await store.CreateAsync(token.Id, expires, context.RequestAborted);
        // Sign-ins are rare: a good moment to forget sessions that ended a day ago.
        await store.DeleteEndedAsync(now - TimeSpan.FromDays(1), context.RequestAborted);
        context.Response.Cookies.Append(DashboardAuthenticationHandler.CookieName, created.Secret, CookieOptions(context, expires - now));
    }

    /// <summary>The token a session cookie signs in as, or null when the session is unknown, ended or its token inactive.</summary>
    public async Task<(DashboardSession Session, ApiToken Token)?> AuthenticateAsync(string secret, IServiceProvider requestServices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requestServices);
        var store = requestServices.GetRequiredService<IDashboardSessionStore>();
        var found = await store.FindAsync(TokenSecret.Hash(secret), cancellationToken);
        var now = clock.GetUtcNow();
        if (found is null || !found.Session.IsActiveAt(now, _options.IdleTimeout) || !found.Token.IsActiveAt(now))
        {
            return null;
        }

        if (now - found.Session.LastSeenAt >= _options.TouchInterval)
        {
            await store.TouchAsync(found.Session.Id, now, cancellationToken);
        }

        return (found.Session, found.Token);
    }

    /// <summary>Revokes the browser's session, if it has one, and clears its cookie.</summary>
    public async Task SignOutAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.Cookies.TryGetValue(DashboardAuthenticationHandler.CookieName, out var secret) && !string.IsNullOrWhiteSpace(secret))
        {
            var store = context.RequestServices.GetRequiredService<IDashboardSessionStore>();
            if (await store.FindAsync(TokenSecret.Hash(secret.Trim()), context.RequestAborted) is { } found)
            {
                await store.RevokeAsync(found.Session.Id, context.RequestAborted);
            }
        }

        context.Response.Cookies.Delete(DashboardAuthenticationHandler.CookieName, CookieOptions(context, null));
    }

    /// <summary>The session cookie's attributes: HttpOnly, SameSite=Strict, <c>Path=/ui</c>, <c>Secure</c> over HTTPS.</summary>
    public static CookieOptions CookieOptions(HttpContext context, TimeSpan? maxAge)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = DashboardAuthenticationHandler.BasePath,
            MaxAge = maxAge,
            IsEssential = true,
        };
    }
}
