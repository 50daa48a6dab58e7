using System.Security.Claims;
using Ferry.Server.Identity;

namespace Ferry.Server.Dashboard;

/// <summary>A link in the breadcrumb trail.</summary>
/// <param name="Text">The link text.</param>
/// <param name="Href">Where it goes.</param>
public sealed record Crumb(string Text, string Href);

/// <summary>The page shell every dashboard page shares: header with navigation, breadcrumbs, title, main content.</summary>
public static class Layout
{
    /// <summary>Main navigation sections.</summary>
    public enum Section
    {
        /// <summary>Models and endpoints.</summary>
        Models,

        /// <summary>Alerts.</summary>
        Alerts,

        /// <summary>The audit log.</summary>
        Audit,

        /// <summary>Promotion requests waiting for approval.</summary>
        Approvals,

        /// <summary>Retraining pipelines and the closed loop.</summary>
        Pipelines,

        /// <summary>Tracking experiments and their runs.</summary>
        Experiments,
    }

    /// <summary>A complete page.</summary>
    public static IResult Page(HttpContext context, Section section, string title, Html lead, Html body, params Crumb[] crumbs) =>
        Page(context, StatusCodes.Status200OK, section, title, lead, body, crumbs);

    /// <summary>A complete page with a status code other than 200.</summary>
    public static IResult Page(HttpContext context, int status, Section section, string title, Html lead, Html body, params Crumb[] crumbs)
    {
        ArgumentNullException.ThrowIfNull(context);
        var user = context.User;
        var nav = Html.Join(
        [
            NavItem("Models", DashboardLinks.Home, section == Section.Models),
            NavItem("Experiments", DashboardLinks.Experiments, section == Section.Experiments),
            NavItem("Alerts", DashboardLinks.Alerts(), section == Section.Alerts),
            NavItem("Approvals", DashboardLinks.Approvals, section == Section.Approvals),
            NavItem("Pipelines", DashboardLinks.Pipelines, section == Section.Pipelines),
            NavItem("Audit log", DashboardLinks.Audit, section == Section.Audit),
        ]);
        var trail = crumbs.Length == 0 ? Html.Empty : Html.Of($"""<nav class="crumbs" aria-label="Breadcrumb"><ol>{Html.Each(crumbs, c => Html.Of($"<li><a href=\"{c.Href}\">{c.Text}</a></li>"))}<li aria-current="page">{title}</li></ol></nav>""");
        var page = Html.Of($"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{title} · Ferry</title><link rel="stylesheet" href="{DashboardLinks.Stylesheet}"></head>
            <body>
            <a class="skip" href="#main">Skip to main content</a>
            <header class="top">
            <a class="brand" href="{DashboardLinks.Home}">Ferry</a>
            <nav aria-label="Main"><ul>{nav}</ul></nav>
            {WhoAmI(context, user)}
            </header>
            <main id="main" tabindex="-1">
            {trail}
            <h1>{title}</h1>
            {(lead == Html.Empty ? Html.Empty : Html.Of($"<p class=\"lead\">{lead}</p>"))}
            {body}
            </main>
            <footer>Ferry · times are UTC · every number on these pages comes from this server's database</footer>
            </body></html>
            """);
        return Results(context, page, status);
    }

    /// <summary>Writes a rendered page with the dashboard's security headers.</summary>
    public static IResult Results(HttpContext context, Html page, int status = StatusCodes.Status200OK)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        headers.CacheControl = "no-store";
        return TypedResults.Content(page.Value, "text/html; charset=utf-8", statusCode: status);
    }

    private static Html NavItem(string text, string href, bool current) =>
        current ? Html.Of($"<li><a href=\"{href}\" aria-current=\"page\">{text}</a></li>") : Html.Of($"<li><a href=\"{href}\">{text}</a></li>");

    private static Html WhoAmI(HttpContext context, ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            return Html.Empty;
        }

        var role = FerryPolicies.RoleOf(user)?.ToString().ToLowerInvariant() ?? "unknown";
        return Html.Of($"""<div class="who"><span>Signed in as <strong>{user.Identity.Name}</strong> ({role})</span><form method="post" action="{DashboardLinks.SignOut}">{DashboardForms.Field(context)}<button type="submit">Sign out</button></form></div>""");
    }
}
