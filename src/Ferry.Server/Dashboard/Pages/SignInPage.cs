using Ferry.Server.Identity;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>
/// Sign-in with an API token and sign-out. Both forms carry an antiforgery token (<see cref="DashboardForms"/>); the
/// browser keeps only a session id (<see cref="DashboardSessions"/>) in an HttpOnly cookie for <c>/ui</c>.
/// </summary>
public static class SignInPage
{
    /// <summary>Shown when a form's antiforgery token is missing or wrong.</summary>
    public const string ForgedFormMessage = "This form did not come from this Ferry page or has expired; it was refused. Reload the page and try again.";

    /// <summary>The form.</summary>
    public static IResult Show(HttpContext context, string? returnUrl) => Render(context, returnUrl, null, StatusCodes.Status200OK);

    /// <summary>Checks the antiforgery token and the API token, then starts a session.</summary>
    public static async Task<IResult> SignInAsync(HttpContext context, TokenCache tokens, DashboardSessions sessions)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(sessions);
        if (!SameOrigin(context.Request))
        {
            return Render(context, null, "This sign-in came from another site and was refused.", StatusCodes.Status403Forbidden);
        }

        // First: once the antiforgery check failed, ASP.NET Core refuses to look at the form at all.
        if (!await DashboardForms.IsValidAsync(context))
        {
            return Render(context, null, ForgedFormMessage, StatusCodes.Status400BadRequest);
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

        var token = await tokens.FindActiveAsync(secret, context.RequestServices, context.RequestAborted);
        if (token is null)
        {
            return Render(context, returnUrl, "That token is unknown, revoked or expired.", StatusCodes.Status401Unauthorized);
        }

        await sessions.SignInAsync(context, token);
        return TypedResults.Redirect(LocalOrHome(returnUrl));
    }

    /// <summary>Ends the browser's session (revoked on the server) and forgets its cookie.</summary>
    public static async Task<IResult> SignOutAsync(HttpContext context, DashboardSessions sessions)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(sessions);
        if (!SameOrigin(context.Request))
        {
            return Render(context, null, "This sign-out came from another site and was refused.", StatusCodes.Status403Forbidden);
        }

        // A browser whose session already ended has nothing to protect: its cookie is just cleared.
        if (context.User.Identity?.IsAuthenticated == true && !await DashboardForms.IsValidAsync(context))
        {
            return Layout.Page(context, StatusCodes.Status400BadRequest, Layout.Section.Models, "Sign-out refused",
                Html.Text(ForgedFormMessage), Html.Of($"<p>Use the <strong>Sign out</strong> button at the top of this page.</p>"));
        }

        await sessions.SignOutAsync(context);
        return TypedResults.Redirect(DashboardLinks.SignIn);
    }

    /// <summary>The form again, answering 429 when sign-in attempts from this address are over their limit.</summary>
    public static IResult TooManyAttempts(HttpContext context, long retryAfterSeconds) =>
        Render(context, null, $"Too many sign-in attempts from this address. Try again in {retryAfterSeconds} s.", StatusCodes.Status429TooManyRequests);

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
            {DashboardForms.Field(context)}
            <button type="submit">Sign in</button>
            </form>
            </main></body></html>
            """);
        return Layout.Results(context, page, status);
    }
}
