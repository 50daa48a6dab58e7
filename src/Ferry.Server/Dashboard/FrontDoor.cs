using Microsoft.Net.Http.Headers;

namespace Ferry.Server.Dashboard;

/// <summary>
/// The front door: a browser opening <c>/</c> (a GET or HEAD whose <c>Accept</c> prefers <c>text/html</c> to JSON) is
/// redirected to the dashboard. API clients (JSON, <c>*/*</c> or no <c>Accept</c>) pass through and get Ferry's
/// problem+json as before. A middleware rather than a route, so <c>/</c> stays outside the route table and its
/// authorization walk.
/// </summary>
public static class FrontDoor
{
    /// <summary>Adds the redirect ahead of routing.</summary>
    public static IApplicationBuilder UseFrontDoor(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            var request = context.Request;
            if (request.Path.Value is "/" && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && WantsHtml(request))
            {
                context.Response.Redirect(DashboardLinks.Home);
                return Task.CompletedTask;
            }

            return next(context);
        });

    /// <summary>Whether <c>Accept</c> names HTML with a quality above zero and at least that of any JSON type it names.</summary>
    public static bool WantsHtml(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted))
        {
            return false;
        }

        double html = 0, json = 0;
        foreach (var media in accepted)
        {
            var quality = media.Quality ?? 1;
            var type = media.MediaType.Value ?? string.Empty;
            if (type.Equals("text/html", StringComparison.OrdinalIgnoreCase) || type.Equals("application/xhtml+xml", StringComparison.OrdinalIgnoreCase))
            {
                html = Math.Max(html, quality);
            }
            else if (type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
            {
                json = Math.Max(json, quality);
            }
        }

        return html > 0 && html >= json;
    }
}
