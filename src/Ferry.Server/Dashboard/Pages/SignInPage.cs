using Ferry.Server.Identity;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>Sign-in with an API token (kept in an HttpOnly cookie for <c>/ui</c>) and sign-out.</summary>
public static class SignInPage
{
    /// <summary>The form.</summary>
    public static IResult Show(HttpContext context, string? returnUrl) => Render(context, returnUrl, null, StatusCodes.Status200OK);

    /// <summary>Checks the token and signs the browser in.</summary>
    public static async Task<IResult> SignInAsync(HttpContext context, TokenCache tokens)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(tokens);
        if (!SameOrigin(context.Request))
        {
            return Render(context, null, "This sign-in came from another site and was refused.", StatusCodes.Status403Forbidden);
        }

        if (!context.Request.HasFormContentType)
        {
            return Render(context, null, "Sign in with the form below.", StatusCodes.Status400BadRequest);
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var secret = form["token"].ToString().Trim();
        var returnUrl = form["returnUrl"].ToString();
        if (secret.Length == 0)
        {
            return Render(context, returnUrl, "Paste an API token to sign in.", StatusCodes.Status400BadRequest);
        }

        if (await tokens.FindActiveAsync(secret, context.RequestServices, context.RequestAborted) is null)
        {
            return Render(context, returnUrl, "That token is unknown, revoked or expired.", StatusCodes.Status401Unauthorized);
        }

        context.Response.Cookies.Append(DashboardAuthenticationHandler.CookieName, secret, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = DashboardAuthenticationHandler.BasePath,
            MaxAge = TimeSpan.FromHours(12),
            IsEssential = true,
        });
        return TypedResults.Redirect(LocalOrHome(returnUrl));
    }

    /// <summary>Forgets the token.</summary>
    public static IResult SignOut(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!SameOrigin(context.Request))
        {
            return Render(context, null, "This sign-out came from another site and was refused.", StatusCodes.Status403Forbidden);
        }

        context.Response.Cookies.Delete(DashboardAuthenticationHandler.CookieName, new CookieOptions { Path = DashboardAuthenticationHandler.BasePath });
        return TypedResults.Redirect(DashboardLinks.SignIn);
    }

    /// <summary>Only dashboard addresses on this server are followed after sign-in.</summary>
    public static string LocalOrHome(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url.StartsWith(DashboardAuthenticationHandler.BasePath, StringComparison.Ordinal)
            && !url.StartsWith("//", StringComparison.Ordinal) && !url.Contains('\\', StringComparison.Ordinal)
            && (url.Length == DashboardAuthenticationHandler.BasePath.Length || url[DashboardAuthenticationHandler.BasePath.Length] is '/' or '?')
            ? url
            : DashboardLinks.Home;

    private static bool SameOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0 || (Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }

    private static IResult Render(HttpContext context, string? returnUrl, string? error, int status)
    {
        var message = error is null ? Html.Empty : Html.Of($"<p class=\"error\" role=\"alert\" id=\"signin-error\">{error}</p>");
        var described = error is null ? "token-hint" : "token-hint signin-error";
        var page = Html.Of($"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Sign in · Ferry</title><link rel="stylesheet" href="{DashboardLinks.Stylesheet}"></head>
            <body><main id="main">
            <form class="signin" method="post" action="{DashboardLinks.SignIn}">
            <h1>Sign in to Ferry</h1>
            {message}
            <label for="token">API token</label>
            <input id="token" name="token" type="password" autocomplete="current-password" required aria-describedby="{described}">
            <p class="hint" id="token-hint">Any Ferry token works: a viewer token reads every page but the audit log, which needs an approver. The admin token is in <code>&lt;data-dir&gt;/admin.token</code> (for the quickstart, <code>~/.ferry-quickstart/admin.token</code>); <code>./ferry tokens create --name me --role viewer</code> makes a new one.</p>
            <input type="hidden" name="returnUrl" value="{LocalOrHome(returnUrl)}">
            <button type="submit">Sign in</button>
            </form>
            </main></body></html>
            """);
        return Layout.Results(context, page, status);
    }
}
