using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Core.Governance;
using Ferry.Core.Registry;
using Ferry.Server.Governance;
using Ferry.Server.Identity;

namespace Ferry.Server.Endpoints.Governance;

/// <summary>
/// Promotion policies (<c>/api/v1/models/{name}/policy</c>: viewers read, admins set), gate evaluation
/// (<c>.../versions/{v}/gates</c>) and promotion requests (<c>.../versions/{v}/promotions</c>, <c>/api/v1/promotions</c>):
/// scientists request, approve, reject and withdraw; who may approve is the policy's decision, checked per request.
/// </summary>
public static class GovernanceApi
{
    /// <summary>Maps the governance routes.</summary>
    public static IEndpointRouteBuilder MapGovernanceApi(this IEndpointRouteBuilder routes)
    {
        var models = routes.MapGroup("/api/v1/models/{name}").WithTags("Governance").RequireAuthorization(FerryPolicies.Viewer);
        models.MapGet("/policy", GetPolicyAsync).WithName("GetPromotionPolicy").WithSummary("The model's effective promotion policy (its stored revision, or the installation default tier).");
        models.MapPut("/policy", SetPolicyAsync).RequireAuthorization(FerryPolicies.Admin).WithName("SetPromotionPolicy")
            .WithSummary("Stores a new policy revision: {\"tier\": \"low|medium|high\", \"approvals\", \"approverRole\", \"approverGroup\", \"requesterMayApprove\", \"canaryShareMax\", \"requestExpiryHours\", \"gates\": {...}}.");
        models.MapGet("/policy/history", PolicyHistoryAsync).WithName("GetPromotionPolicyHistory").WithSummary("Every stored policy revision, newest first.");
        models.MapPost("/versions/{version:int}/gates", RunGatesAsync).RequireAuthorization(FerryPolicies.Scientist).WithName("RunPromotionGates")
            .WithSummary("Evaluates the policy's gates for a version without opening a request: {\"against\": \"champion\"}.");
        models.MapPost("/versions/{version:int}/promotions", RequestAsync).RequireAuthorization(FerryPolicies.Scientist).WithName("RequestPromotion")
            .WithSummary("Opens a promotion request with its evidence frozen: {\"target\": \"champion\" | \"stage\": \"Production\", \"justification\"}.");
        models.MapGet("/promotions", ListForModelAsync).WithName("ListModelPromotions").WithSummary("The model's promotion requests, newest first (?state=pending).");

        var promotions = routes.MapGroup("/api/v1/promotions").WithTags("Governance").RequireAuthorization(FerryPolicies.Viewer);
        promotions.MapGet("/", ListAsync).WithName("ListPromotions").WithSummary("Promotion requests, newest first (?state=pending for an approvals inbox, ?model=).");
        promotions.MapGet("/{id:guid}", GetAsync).WithName("GetPromotion").WithSummary("A request with its frozen evidence and every decision.");
        promotions.MapPost("/{id:guid}/approve", ApproveAsync).RequireAuthorization(FerryPolicies.Scientist).WithName("ApprovePromotion")
            .WithSummary("Approves ({\"comment\"}); the last approval the policy needs moves the alias or stage in the same transaction.");
        promotions.MapPost("/{id:guid}/reject", RejectAsync).RequireAuthorization(FerryPolicies.Scientist).WithName("RejectPromotion")
            .WithSummary("Rejects ({\"comment\"}).");
        promotions.MapPost("/{id:guid}/withdraw", WithdrawAsync).RequireAuthorization(FerryPolicies.Scientist).WithName("WithdrawPromotion")
            .WithSummary("Withdraws a pending request (its requester only).");
        return routes;
    }

    /// <summary>The effective policy.</summary>
    public static async Task<IResult> GetPolicyAsync(string name, IRegistryStore registry, PolicyResolver policies, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(policies);
        _ = await registry.GetModelAsync(name, cancellationToken);
        return TypedResults.Json(GovernanceViews.Policy(name, await policies.ResolveAsync(name, cancellationToken)), GovernanceJsonContext.Default.PolicyView);
    }

    /// <summary>Stores a new revision.</summary>
    public static async Task<IResult> SetPolicyAsync(string name, HttpRequest request, IPolicyStore store, PolicyResolver policies, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(policies);
        var body = await ReadAsync(request, GovernanceJsonContext.Default.PolicyUpdate, cancellationToken) ?? new PolicyUpdate();
        var tier = ParseTier(body.Tier);
        var overrides = new PolicyOverrides
        {
            Approvals = body.Approvals,
            ApproverRole = body.ApproverRole,
            ApproverGroup = body.ApproverGroup,
            RequesterMayApprove = body.RequesterMayApprove,
            CanaryShareMax = body.CanaryShareMax,
            RequestExpiryHours = body.RequestExpiryHours,
            RetentionFloorDays = body.RetentionFloorDays,
            Gates = body.Gates,
        };
        _ = PromotionPolicy.Resolve(tier, overrides); // refuses out-of-range values before anything is stored
        await store.SaveAsync(name, tier, JsonSerializer.Serialize(overrides, PolicyJson.Options), user.ActorName(), cancellationToken);
        return TypedResults.Json(GovernanceViews.Policy(name, await policies.ResolveAsync(name, cancellationToken)), GovernanceJsonContext.Default.PolicyView);
    }

    /// <summary>Every stored revision.</summary>
    public static async Task<IResult> PolicyHistoryAsync(string name, IRegistryStore registry, IPolicyStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(store);
        _ = await registry.GetModelAsync(name, cancellationToken);
        var revisions = await store.HistoryAsync(name, cancellationToken);
        return TypedResults.Json(new PolicyHistoryView(name, [.. revisions.Select(r =>
        {
            var overrides = JsonSerializer.Deserialize<PolicyOverrides>(r.OverridesJson, PolicyJson.Options) ?? new PolicyOverrides();
            return GovernanceViews.Policy(name, new EffectivePolicy(PromotionPolicy.Resolve(r.Tier, overrides), r.Revision, overrides, r));
        })]), GovernanceJsonContext.Default.PolicyHistoryView);
    }

    /// <summary>Evaluates the gates now.</summary>
    public static async Task<IResult> RunGatesAsync(string name, int version, HttpRequest request, PromotionService service, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        var body = await ReadAsync(request, GovernanceJsonContext.Default.GateRunBody, cancellationToken) ?? new GateRunBody();
        var against = string.IsNullOrWhiteSpace(body.Against) ? ProtectedAliases.Champion : body.Against.Trim();
        var (evidence, policy, champion) = await service.EvaluateAsync(name, version, against, null, cancellationToken);
        return TypedResults.Json(new GateRunView
        {
            Model = name,
            Version = version,
            Against = against,
            ChampionVersion = champion,
            Tier = GovernanceViews.Tier(policy.Policy.Tier),
            Passed = evidence.Passed,
            Evidence = JsonSerializer.SerializeToElement(evidence, PolicyJson.Options),
        }, GovernanceJsonContext.Default.GateRunView);
    }

    /// <summary>Opens a request.</summary>
    public static async Task<IResult> RequestAsync(string name, int version, HttpRequest request, PromotionService service, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        var body = await ReadAsync(request, GovernanceJsonContext.Default.PromotionRequestBody, cancellationToken) ?? new PromotionRequestBody();
        var created = await service.RequestAsync(name, version, new PromotionAsk(body.Target, body.Stage, body.Justification, body.ArchiveExistingVersions ?? false), user, cancellationToken);
        return TypedResults.Json(GovernanceViews.Promotion(created), GovernanceJsonContext.Default.PromotionView, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>A model's requests.</summary>
    public static async Task<IResult> ListForModelAsync(string name, string? state, IRegistryStore registry, PromotionService service, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(service);
        _ = await registry.GetModelAsync(name, cancellationToken);
        return List(await service.ListAsync(name, state, cancellationToken));
    }

    /// <summary>All requests (the approvals inbox with <c>?state=pending</c>).</summary>
    public static async Task<IResult> ListAsync(string? state, string? model, PromotionService service, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        return List(await service.ListAsync(model, state, cancellationToken));
    }

    /// <summary>One request.</summary>
    public static async Task<IResult> GetAsync(Guid id, PromotionService service, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        return View(await service.GetAsync(id, cancellationToken));
    }

    /// <summary>Approves.</summary>
    public static async Task<IResult> ApproveAsync(Guid id, HttpRequest request, PromotionService service, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        var body = await ReadAsync(request, GovernanceJsonContext.Default.PromotionDecisionBody, cancellationToken);
        return View((await service.ApproveAsync(id, body?.Comment, user, cancellationToken)).Request);
    }

    /// <summary>Rejects.</summary>
    public static async Task<IResult> RejectAsync(Guid id, HttpRequest request, PromotionService service, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        var body = await ReadAsync(request, GovernanceJsonContext.Default.PromotionDecisionBody, cancellationToken);
        return View(await service.RejectAsync(id, body?.Comment, user, cancellationToken));
    }

    /// <summary>Withdraws.</summary>
    public static async Task<IResult> WithdrawAsync(Guid id, PromotionService service, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        return View(await service.WithdrawAsync(id, user, cancellationToken));
    }

    /// <summary>low, medium or high (400 otherwise).</summary>
    public static RiskTier ParseTier(string? tier) => tier?.Trim().ToLowerInvariant() switch
    {
        "low" => RiskTier.Low,
        "medium" => RiskTier.Medium,
        "high" => RiskTier.High,
        _ => throw new ValidationException("tier", $"must be low, medium or high, not '{tier}'"),
    };

    private static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<PromotionView> View(PromotionRequest request) =>
        TypedResults.Json(GovernanceViews.Promotion(request), GovernanceJsonContext.Default.PromotionView);

    private static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<PromotionListView> List(IReadOnlyList<PromotionRequest> requests) =>
        TypedResults.Json(new PromotionListView([.. requests.Select(GovernanceViews.Promotion)]), GovernanceJsonContext.Default.PromotionListView);

    // An empty body reads as no body: approve, reject and gates need none.
    private static async Task<T?> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentLength == 0 || (request.ContentLength is null && !request.Headers.TransferEncoding.Any(v => v is not null)))
        {
            return null;
        }

        return await RequestJson.DeserializeAsync(request, typeInfo, cancellationToken);
    }
}
