using System.Security.Claims;
using System.Text.Json.Serialization;
using Ferry.Core.Errors;
using Ferry.Core.Governance;
using Ferry.Core.Registry;
using Ferry.Server.Governance;
using Ferry.Server.Identity;
using static Ferry.Server.Endpoints.Mlflow.Registry.RegistryInput;

namespace Ferry.Server.Endpoints.Mlflow.Registry;

/// <summary>
/// Databricks' transition-request routes (<c>transition-requests/create|approve|reject|list</c>) over Ferry's promotion
/// requests: a transition request is a promotion request whose target is a stage, so the same four-eyes rule, gates and
/// audit apply, and Ferry's <c>/api/v1/promotions</c> shows the same objects.
/// </summary>
public static class TransitionRequests
{
    /// <summary>Maps the routes onto an MLflow group.</summary>
    public static RouteGroupBuilder MapMlflowTransitionRequests(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var requests = group.MapGroup("/transition-requests");
        requests.MapPost("/create", CreateAsync).RequireAuthorization(FerryPolicies.Scientist);
        requests.MapPost("/approve", ApproveAsync).RequireAuthorization(FerryPolicies.Scientist);
        requests.MapPost("/reject", RejectAsync).RequireAuthorization(FerryPolicies.Scientist);
        requests.MapGet("/list", ListAsync);
        return group;
    }

    private static TransitionJsonContext Json => TransitionJsonContext.Default;

    private static async Task<IResult> CreateAsync(HttpRequest request, PromotionService service, ClaimsPrincipal user, CancellationToken ct)
    {
        var body = await MlflowJson.ReadBodyAsync(request, MlflowRegistryJsonContext.Default.RegistryRequest);
        var created = await service.RequestAsync(Required(body.Name, "name"), Version(body.Version), new PromotionAsk(null, Required(body.Stage, "stage"), body.Comment), user, ct);
        return MlflowJson.Ok(new TransitionRequestResponse(Message(created)), Json.TransitionRequestResponse);
    }

    private static async Task<IResult> ApproveAsync(HttpRequest request, PromotionService service, ClaimsPrincipal user, CancellationToken ct)
    {
        var body = await MlflowJson.ReadBodyAsync(request, MlflowRegistryJsonContext.Default.RegistryRequest);
        var pending = await PendingAsync(service, body, ct);
        var outcome = await service.ApproveAsync(pending.Id, body.Comment, user, ct, body.ArchiveExistingVersions);
        return MlflowJson.Ok(new TransitionActivityResponse(Activity(outcome.Request, "APPROVED_REQUEST", user.ActorName(), body.Comment)), Json.TransitionActivityResponse);
    }

    private static async Task<IResult> RejectAsync(HttpRequest request, PromotionService service, ClaimsPrincipal user, CancellationToken ct)
    {
        var body = await MlflowJson.ReadBodyAsync(request, MlflowRegistryJsonContext.Default.RegistryRequest);
        var pending = await PendingAsync(service, body, ct);
        var rejected = await service.RejectAsync(pending.Id, body.Comment, user, ct);
        return MlflowJson.Ok(new TransitionActivityResponse(Activity(rejected, "REJECTED_REQUEST", user.ActorName(), body.Comment)), Json.TransitionActivityResponse);
    }

    private static async Task<IResult> ListAsync(HttpRequest request, PromotionService service, CancellationToken ct)
    {
        var name = MlflowQuery.Required(request, "name");
        var version = Version(MlflowQuery.Required(request, "version"));
        var open = (await service.ListAsync(name, PromotionStates.Pending, ct)).Where(r => r.Version == version && r.TargetStage is not null);
        return MlflowJson.Ok(new TransitionRequestsResponse([.. open.Select(Message)]), Json.TransitionRequestsResponse);
    }

    private static async Task<PromotionRequest> PendingAsync(PromotionService service, RegistryRequest body, CancellationToken ct)
    {
        var name = Required(body.Name, "name");
        var version = Version(body.Version);
        var stage = ModelStage.Canonical(Required(body.Stage, "stage")) ?? throw new ValidationException("stage", $"'{body.Stage}' is not a stage");
        return (await service.ListAsync(name, PromotionStates.Pending, ct)).FirstOrDefault(r => r.Version == version && r.TargetStage == stage)
            ?? throw new NotFoundException($"No pending transition request moves version {version} of '{name}' to {stage}.");
    }

    private static TransitionRequestMessage Message(PromotionRequest r) =>
        new(r.Id.ToString(), r.RequestedAt, r.TargetStage ?? string.Empty, r.RequestedBy, r.Justification, ["APPROVE_TRANSITION_REQUEST", "REJECT_TRANSITION_REQUEST"]);

    private static TransitionActivity Activity(PromotionRequest r, string type, string actor, string? comment) =>
        new(r.Id.ToString(), type, null, r.TargetStage ?? string.Empty, actor, comment ?? string.Empty, r.ClosedAt ?? r.RequestedAt, r.ClosedAt ?? r.RequestedAt,
            r.State == PromotionStates.Approved ? $"Ferry moved version {r.Version} to {r.TargetStage}." : $"Promotion request {r.Id} is {r.State}.");
}

/// <summary>A transition request as Databricks' API shows it (plus Ferry's request id).</summary>
/// <param name="Id">Ferry's promotion request id.</param>
/// <param name="CreationTimestamp">Epoch ms.</param>
/// <param name="ToStage">The stage.</param>
/// <param name="UserId">The requester.</param>
/// <param name="Comment">The justification.</param>
/// <param name="AvailableActions">What an approver may do.</param>
public sealed record TransitionRequestMessage(string Id, long CreationTimestamp, string ToStage, string UserId, string Comment, IReadOnlyList<string> AvailableActions);

/// <summary>An approval or rejection as Databricks' API shows it.</summary>
/// <param name="Id">Ferry's promotion request id.</param>
/// <param name="ActivityType">APPROVED_REQUEST or REJECTED_REQUEST.</param>
/// <param name="FromStage">Not tracked (null).</param>
/// <param name="ToStage">The stage.</param>
/// <param name="UserId">Who decided.</param>
/// <param name="Comment">Their comment.</param>
/// <param name="CreationTimestamp">Epoch ms.</param>
/// <param name="LastUpdatedTimestamp">Epoch ms.</param>
/// <param name="SystemComment">What Ferry did.</param>
public sealed record TransitionActivity(string Id, string ActivityType, string? FromStage, string ToStage, string UserId, string Comment, long CreationTimestamp, long LastUpdatedTimestamp, string SystemComment);

/// <summary><c>{"request": ...}</c>.</summary>
/// <param name="Request">The request.</param>
public sealed record TransitionRequestResponse(TransitionRequestMessage Request);

/// <summary><c>{"requests": [...]}</c>.</summary>
/// <param name="Requests">The open requests.</param>
public sealed record TransitionRequestsResponse(IReadOnlyList<TransitionRequestMessage> Requests);

/// <summary><c>{"activity": ...}</c>.</summary>
/// <param name="Activity">The decision.</param>
public sealed record TransitionActivityResponse(TransitionActivity Activity);

/// <summary>Source-generated JSON for transition requests (MLflow's snake_case).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TransitionRequestResponse))]
[JsonSerializable(typeof(TransitionRequestsResponse))]
[JsonSerializable(typeof(TransitionActivityResponse))]
public sealed partial class TransitionJsonContext : JsonSerializerContext;
