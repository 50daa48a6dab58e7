using System.Security.Claims;
using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Core.Oversight;
using Ferry.Server.Identity;
using Ferry.Server.Oversight;
using Ferry.Server.Serving;

namespace Ferry.Server.Endpoints.Oversight;

/// <summary>
/// Sealing of the prediction log (<c>POST /api/v1/audit/seal</c>, <c>GET /api/v1/audit/verify/predictions</c>) and an
/// endpoint's retention (<c>PUT /api/v1/endpoints/{name}/retention</c>); approvers and admins.
/// </summary>
public static class SealingApi
{
    /// <summary>Maps the sealing and retention routes.</summary>
    public static IEndpointRouteBuilder MapSealingApi(this IEndpointRouteBuilder routes)
    {
        var audit = routes.MapGroup("/api/v1/audit").WithTags("Audit").RequireAuthorization(FerryPolicies.Approver);
        audit.MapPost("/seal", SealAsync).WithName("SealPredictions")
            .WithSummary("Seals the prediction log up to now (the open hour included), for one endpoint (?endpoint=) or all.");
        audit.MapGet("/verify/predictions", VerifyAsync).WithName("VerifyPredictionSeals")
            .WithSummary("Recomputes the seals in [from, to) from the log and names the first altered, missing or unsealed row.");
        routes.MapPut("/api/v1/endpoints/{name}/retention", SetRetentionAsync).WithTags("Endpoints")
            .RequireAuthorization(FerryPolicies.Approver).WithName("SetEndpointRetention")
            .WithSummary("Sets how many days the endpoint keeps its predictions: {\"days\": N} (never below a served model's retention floor), or null for the server's default.");
        return routes;
    }

    /// <summary>Seals up to now.</summary>
    public static async Task<IResult> SealAsync(string? endpoint, SealingService sealing, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sealing);
        if (endpoint is { Length: 0 })
        {
            throw new ValidationException("endpoint", "must not be empty");
        }

        var made = await sealing.SealNowAsync(user.ActorName(), endpoint, cancellationToken);
        return TypedResults.Json(new SealResult([.. made.Select(View)]), SealingJsonContext.Default.SealResult);
    }

    /// <summary>Verifies the seals overlapping [from, to) (default: everything up to now).</summary>
    public static async Task<IResult> VerifyAsync(DateTimeOffset? from, DateTimeOffset? to, string? endpoint, IPredictionSealStore seals, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(seals);
        ArgumentNullException.ThrowIfNull(clock);
        var fromMs = from?.ToUnixTimeMilliseconds() ?? 0;
        var toMs = to?.ToUnixTimeMilliseconds() ?? clock.GetUtcNow().ToUnixTimeMilliseconds() + 1;
        if (toMs <= fromMs)
        {
            throw new ValidationException("to", "must be later than 'from'");
        }

        var verification = await seals.VerifyAsync(fromMs, toMs, endpoint is { Length: > 0 } ? endpoint : null, cancellationToken);
        return TypedResults.Json(verification, SealingJsonContext.Default.PredictionSealVerification);
    }

    /// <summary>Sets the endpoint's retention; refused (409) below a served model's floor.</summary>
    public static async Task<IResult> SetRetentionAsync(
        string name,
        HttpRequest request,
        IEndpointOversightStore oversight,
        RetentionFloors floors,
        PolicyCache policies,
        ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(oversight);
        ArgumentNullException.ThrowIfNull(floors);
        ArgumentNullException.ThrowIfNull(policies);
        var body = await RequestJson.DeserializeAsync(request, SealingJsonContext.Default.RetentionUpdate, cancellationToken)
            ?? throw new ValidationException("days", "the body must be an object: {\"days\": N} or {\"days\": null}");
        if (body.Days is < 1 or > 36500)
        {
            throw new ValidationException("days", "must be between 1 and 36500, or null for the server's default");
        }

        if (await oversight.GetAsync(name, cancellationToken) is null)
        {
            throw new NotFoundException($"endpoint '{name}' does not exist");
        }

        var floor = await floors.ForEndpointAsync(name, cancellationToken);
        if (body.Days is { } days && days < floor.Days)
        {
            throw new ConflictException(
                $"endpoint '{name}' serves model '{floor.ModelName}' ({RetentionFloors.TierName(floor.Tier)} risk), whose policy keeps predictions at least {floor.Days} days; {days} days is below that floor");
        }

        var settings = await oversight.UpdateAsync(name, "endpoint.retention", o => o.RetentionDays = body.Days, user.ActorName(), cancellationToken);
        await policies.RefreshAsync(name, cancellationToken);
        return TypedResults.Json(new RetentionView(name, settings.RetentionDays, floor.Days, floor.ModelName), SealingJsonContext.Default.RetentionView);
    }

    private static SealView View(PredictionSeal s) => new(
        s.EndpointName,
        DateTimeOffset.FromUnixTimeMilliseconds(s.From),
        DateTimeOffset.FromUnixTimeMilliseconds(s.To),
        s.Predictions,
        s.Reviews,
        s.Digest);
}
