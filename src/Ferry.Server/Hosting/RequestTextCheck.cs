using Ferry.Server.Endpoints;

namespace Ferry.Server.Hosting;

/// <summary>
/// Refuses, before routing, a query parameter that does not decode to valid UTF-8 or holds NUL (<see cref="RequestText"/>):
/// ASP.NET Core keeps an undecodable escape such as <c>%FF</c> as literal text, and query parameters reach the stores.
/// The 400 names the parameter, in the route's error shape. (Kestrel already refuses a path that decodes to NUL.)
/// </summary>
internal static class RequestTextCheck
{
    /// <summary>Adds the check to the pipeline (after the exception handler, which answers its 400).</summary>
    public static IApplicationBuilder UseRequestTextCheck(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            RequestText.CheckQuery(context.Request.QueryString.Value);
            return next(context);
        });
}
