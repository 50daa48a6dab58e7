using Ferry.Core.Audit;
using Ferry.Core.Contracts;
using Ferry.Core.Errors;
using Ferry.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ferry.Server.Endpoints.Audit;

/// <summary>The audit trail (<c>/api/v1/audit</c>): approvers and admins read and verify it; nobody writes it directly.</summary>
public static class AuditApi
{
    /// <summary>Maps the audit routes.</summary>
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/audit").WithTags("Audit").RequireAuthorization(FerryPolicies.Approver);
        group.MapGet("/", ListAsync).WithName("ListAuditEvents")
            .WithSummary("Audit events filtered by actor, action, target and time, in chain order.");
        group.MapGet("/verify", VerifyAsync).WithName("VerifyAuditChain")
            .WithSummary("Recomputes every hash and link of the chain and reports the first broken one.");
        return routes;
    }

    /// <summary>Reads a page of events.</summary>
    public static async Task<Ok<AuditEventList>> ListAsync(
        IAuditLog log,
        string? actor,
        string? action,
        string? target,
        DateTimeOffset? from,
        DateTimeOffset? to,
        long? after,
        int? limit,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        var size = limit ?? 100;
        if (size is < 1 or > AuditQuery.MaxLimit)
        {
            throw new ValidationException("limit", $"must be between 1 and {AuditQuery.MaxLimit}");
        }

        if (from is { } f && to is { } t && t <= f)
        {
            throw new ValidationException("to", "must be later than 'from'");
        }

        var events = await log.QueryAsync(new AuditQuery
        {
            Actor = actor,
            Action = action,
            Target = target,
            From = from,
            To = to,
            AfterSequence = after,
            Limit = size,
        }, cancellationToken);
        long? next = events.Count == size ? events[^1].Sequence : null;
        return TypedResults.Ok(new AuditEventList([.. events.Select(AuditEventView.From)], next));
    }

    /// <summary>Verifies the whole chain.</summary>
    public static async Task<Ok<AuditVerification>> VerifyAsync(IAuditLog log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        return TypedResults.Ok(await log.VerifyAsync(cancellationToken));
    }
}
