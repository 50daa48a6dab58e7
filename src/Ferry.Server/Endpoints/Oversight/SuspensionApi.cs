using System.Security.Claims;
using System.Text.Json;
using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Core.Oversight;
using Ferry.Server.Identity;
using Ferry.Server.Oversight;

namespace Ferry.Server.Endpoints.Oversight;

/// <summary>
/// Stop and fall back (human oversight): <c>POST /api/v1/endpoints/{name}/suspend</c> <c>{"reason", "fallback"}</c> and
/// <c>POST /api/v1/endpoints/{name}/resume</c> <c>{"reason"}</c>, approver role and EDIT on every model the endpoint
/// serves; <c>GET /api/v1/endpoints/{name}/suspension</c> (viewer) reads the state. While suspended, every serving
/// protocol answers the fallback instead of running the model (see <see cref="SuspensionFallback"/>). Suspending a
/// suspended endpoint, or resuming a running one, is 409.
/// </summary>
public static class SuspensionApi
{
    /// <summary>Maps the suspension routes.</summary>
    public static IEndpointRouteBuilder MapSuspensionApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/endpoints").WithTags("Endpoints").RequireAuthorization(FerryPolicies.Viewer);
        group.MapGet("/{name}/suspension", GetAsync).WithName("GetEndpointSuspension")
            .WithSummary("Whether the endpoint is suspended, by whom, when and why, and its fallback answer.");
        group.MapPost("/{name}/suspend", SuspendAsync).RequireAuthorization(FerryPolicies.Approver).WithName("SuspendEndpoint")
            .WithSummary("Stops the model: every record gets the fallback answer until resumed. {\"reason\" (required), \"fallback\": {...} (optional)}.");
        group.MapPost("/{name}/resume", ResumeAsync).RequireAuthorization(FerryPolicies.Approver).WithName("ResumeEndpoint")
            .WithSummary("Lets the model answer again. {\"reason\" (required)}.");
        return routes;
    }

    /// <summary>The endpoint's suspension state.</summary>
    public static async Task<IResult> GetAsync(string name, IEndpointOversightStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var settings = await store.GetAsync(name, cancellationToken) ?? throw new NotFoundException($"No endpoint is named '{name}'.");
        return View(settings);
    }

    /// <summary>Suspends the endpoint.</summary>
    public static async Task<IResult> SuspendAsync(string name, HttpRequest request, Suspensions suspensions, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(suspensions);
        var body = await RequestJson.DeserializeAsync(request, SuspensionJsonContext.Default.SuspendRequest, cancellationToken)
            ?? throw new ValidationException("reason", "is required: the body must be {\"reason\": \"...\", \"fallback\": {...}}");
        var fallback = body.Fallback is { ValueKind: not JsonValueKind.Null } given ? SuspensionFallback.Normalize(given) : null;
        return View(await suspensions.SuspendAsync(name, body.Reason, fallback, user.ActorName(), cancellationToken));
    }

    /// <summary>Resumes the endpoint.</summary>
    public static async Task<IResult> ResumeAsync(string name, HttpRequest request, Suspensions suspensions, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(suspensions);
        var body = await RequestJson.DeserializeAsync(request, SuspensionJsonContext.Default.ResumeRequest, cancellationToken)
            ?? throw new ValidationException("reason", "is required: the body must be {\"reason\": \"...\"}");
        return View(await suspensions.ResumeAsync(name, body.Reason, user.ActorName(), cancellationToken));
    }

    /// <summary>The API's view of the settings (who, when and why only while suspended).</summary>
    public static SuspensionView ViewOf(EndpointOversight settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using var fallback = JsonDocument.Parse(SuspensionFallback.Of(settings));
        return new SuspensionView(
            settings.EndpointName,
            settings.Suspended,
            settings.Suspended ? settings.SuspendedBy : null,
            settings.Suspended && settings.SuspendedAt is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null,
            settings.Suspended ? settings.SuspendReason : null,
            fallback.RootElement.Clone(),
            settings.UpdatedBy,
            DateTimeOffset.FromUnixTimeMilliseconds(settings.UpdatedAt));
    }

    private static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<SuspensionView> View(EndpointOversight settings) => TypedResults.Json(ViewOf(settings), SuspensionJsonContext.Default.SuspensionView);
}
