using Ferry.Server.Dashboard.Pages;
using Ferry.Server.Endpoints;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;

namespace Ferry.Server.Dashboard;

/// <summary>
/// The web dashboard under <c>/ui</c>: server-rendered HTML pages for model owners, risk officers and the business
/// (every asset is served by Ferry; no script). Pages need a signed-in viewer; signing in takes an API token. The only
/// forms that change anything beyond the session decide promotion requests (a scientist or above, antiforgery-protected).
/// </summary>
public static class DashboardApi
{
    /// <summary>Maps every dashboard page.</summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder routes)
    {
        var open = routes.MapGroup(DashboardAuthenticationHandler.BasePath).ExcludeFromDescription().AllowAnonymous();
        open.MapGet("/signin", SignInPage.Show);
        // Both need the form's antiforgery token and change only the browser's own session, so they need no role.
        // Sign-in attempts are limited per client address (token guessing); sign-out authenticates the dashboard
        // session without requiring one, so its antiforgery token is checked against the signed-in user.
        open.MapPost("/signin", SignInPage.SignInAsync).WithMetadata(new RequireAntiforgeryTokenAttribute(), new ReadOnlyOperationAttribute())
            .RequireRateLimiting(DashboardRateLimits.SignInPolicy);
        open.MapPost("/signout", SignInPage.SignOutAsync).WithMetadata(new RequireAntiforgeryTokenAttribute(), new ReadOnlyOperationAttribute())
            .RequireAuthorization(new AuthorizationPolicyBuilder(DashboardAuthenticationHandler.SchemeName).RequireAssertion(_ => true).Build());
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
        pages.MapGet("/endpoints/{name}/predictions/{id:guid}/notice", NoticePages.NoticeAsync);
        pages.MapGet("/models/{name}/versions/{version:int}/documentation", NoticePages.DocumentationAsync);
        pages.MapGet("/endpoints/{name}/reviews", ReviewQueuePage.RenderAsync);
        pages.MapGet("/alerts", AlertsPage.RenderAsync);
        pages.MapGet("/audit", AuditPage.RenderAsync);
        pages.MapGet("/approvals", ApprovalsPage.RenderAsync);
        pages.MapGet("/promotions/{id:guid}", PromotionRequestPage.RenderAsync);
        pages.MapGet("/endpoints/{name}/loop", LoopPage.RenderAsync);
        pages.MapGet("/pipelines", PipelinesPage.ListAsync);
        pages.MapGet("/pipelines/{name}/runs/{number:int}", PipelinesPage.RunAsync);
        pages.MapGet("/pipelines/{name}/runs/{number:int}/logs/{stream}", PipelinesPage.LogFileAsync);
        pages.MapGet("/evaluations/{id:guid}", EvaluationPage.RenderAsync);
        pages.MapGet("/datasets/{name}/file", PipelinesPage.DatasetFileAsync);
        // Experiments and runs (READ on the experiment, checked on each page as the tracking API's routes do).
        pages.MapGet("/experiments", ExperimentsPage.ListAsync);
        pages.MapGet("/experiments/{id:long}", ExperimentsPage.RunsAsync);
        pages.MapGet("/experiments/{id:long}/compare", ComparePage.RenderAsync);
        pages.MapGet("/runs/{runId}", RunPage.RenderAsync);
        pages.MapGet("/runs/{runId}/artifacts", RunArtifacts.PageAsync);
        pages.MapGet("/runs/{runId}/artifacts/file", RunArtifacts.FileAsync);

        // Decisions on promotion requests: antiforgery-protected forms, a scientist or above (as the API's routes); the
        // promotion service then applies the request's policy (approver role or group, four eyes).
        var decisions = routes.MapGroup(DashboardAuthenticationHandler.BasePath + "/promotions/{id:guid}").ExcludeFromDescription()
            .RequireAuthorization(DashboardPolicy.ScientistName).WithMetadata(new RequireAntiforgeryTokenAttribute());
        decisions.MapPost("/approve", PromotionRequestPage.ApproveAsync);
        decisions.MapPost("/reject", PromotionRequestPage.RejectAsync);
        decisions.MapPost("/withdraw", PromotionRequestPage.WithdrawAsync);

        // Suspending or resuming an endpoint: an antiforgery-protected form, approver or above (as the API's routes).
        routes.MapPost(DashboardAuthenticationHandler.BasePath + "/endpoints/{name}/suspension", SuspensionSection.SubmitAsync).ExcludeFromDescription()
            .RequireAuthorization(DashboardPolicy.ApproverName).WithMetadata(new RequireAntiforgeryTokenAttribute());
        // Data-subject tools: admins only; the key is posted (never in a URL), every form antiforgery-protected.
        var subjects = routes.MapGroup(SubjectsPage.Path).ExcludeFromDescription().RequireAuthorization(DashboardPolicy.AdminName);
        subjects.MapGet("/", SubjectsPage.Render);
        subjects.MapPost("/", SubjectsPage.LookupAsync).WithMetadata(new RequireAntiforgeryTokenAttribute());
        subjects.MapPost("/erase", SubjectsPage.EraseAsync).WithMetadata(new RequireAntiforgeryTokenAttribute());
        // Human reviews of logged decisions: an antiforgery-protected form, an approver or above (as the API's route).
        routes.MapGroup(DashboardAuthenticationHandler.BasePath + "/endpoints/{name}/reviews").ExcludeFromDescription()
            .RequireAuthorization(DashboardPolicy.ApproverName).WithMetadata(new RequireAntiforgeryTokenAttribute())
            .MapPost("/{id:guid}", ReviewQueuePage.ReviewAsync);
        return routes;
    }
}
