using Ferry.Server.Dashboard.Pages;
using Ferry.Server.Endpoints;

namespace Ferry.Server.Dashboard;

/// <summary>
/// The web dashboard under <c>/ui</c>: server-rendered HTML pages for model owners, risk officers and the business
/// (every asset is served by Ferry; no script). Pages are read-only and need a signed-in viewer; signing in takes an
/// API token.
/// </summary>
public static class DashboardApi
{
    /// <summary>Maps every dashboard page.</summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder routes)
    {
        var open = routes.MapGroup(DashboardAuthenticationHandler.BasePath).ExcludeFromDescription().AllowAnonymous();
        open.MapGet("/signin", SignInPage.Show);
        // Both only set or clear the browser's cookie: nothing on the server changes.
        open.MapPost("/signin", SignInPage.SignInAsync).DisableAntiforgery().WithMetadata(new ReadOnlyOperationAttribute());
        open.MapPost("/signout", SignInPage.SignOut).DisableAntiforgery().WithMetadata(new ReadOnlyOperationAttribute());
        open.MapGet("/assets/ferry.css", DashboardAssets.Stylesheet);

        var pages = routes.MapGroup(DashboardAuthenticationHandler.BasePath).ExcludeFromDescription().RequireAuthorization(DashboardPolicy.Name);
        pages.MapGet("/", InventoryPage.RenderAsync);
        pages.MapGet("/models/{name}", ModelPage.RenderAsync);
        pages.MapGet("/models/{name}/versions/{version:int}/card", CardPage.RenderAsync);
        pages.MapGet("/endpoints/{name}", EndpointPage.RenderAsync);
        pages.MapGet("/endpoints/{name}/drift", DriftPage.RenderAsync);
        pages.MapGet("/endpoints/{name}/performance", PerformancePage.RenderAsync);
        pages.MapGet("/endpoints/{name}/predictions", PredictionsPage.RenderAsync);
        pages.MapGet("/endpoints/{name}/predictions/{id:guid}", ExplanationPage.RenderAsync);
        pages.MapGet("/alerts", AlertsPage.RenderAsync);
        pages.MapGet("/audit", AuditPage.RenderAsync);
        return routes;
    }
}
