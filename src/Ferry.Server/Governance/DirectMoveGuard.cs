using System.Security.Claims;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Core.Monitoring;
using Ferry.Core.Registry;
using Ferry.Server.Identity;

namespace Ferry.Server.Governance;

/// <summary>An admin's break-glass move that was let through; record it once the move has happened.</summary>
/// <param name="ModelName">The model.</param>
/// <param name="What">What moved, in words.</param>
/// <param name="Reason">The admin's reason.</param>
/// <param name="Actor">The admin.</param>
public sealed record BreakGlass(string ModelName, string What, string Reason, string Actor);

/// <summary>
/// Refuses direct moves of protected registry state (the <c>champion</c> alias, moves into or out of Production) on a
/// governed model with 409, pointing at the promotion-request route. An admin may break the glass with a reason
/// (<see cref="ReasonHeader"/>): the move goes through, and <see cref="RecordAsync"/> audits it and opens an alert.
/// </summary>
public sealed class DirectMoveGuard(PolicyResolver policies, IAlertStore alerts)
{
    /// <summary>The header carrying an admin's break-glass reason.</summary>
    public const string ReasonHeader = "X-Ferry-Break-Glass-Reason";

    /// <summary>Checks setting or deleting <paramref name="alias"/>; returns the break-glass to record, or null when the move is ordinary.</summary>
    /// <exception cref="ConflictException">The model is governed and the caller did not break the glass.</exception>
    public Task<BreakGlass?> CheckAliasAsync(string name, string alias, int? version, HttpRequest request, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        ProtectedAliases.IsProtected(alias ?? string.Empty)
            ? CheckAsync(name, version, version is null ? $"deleting the '{alias}' alias" : $"moving the '{alias}' alias to version {version}", request, user, cancellationToken)
            : Task.FromResult<BreakGlass?>(null);

    /// <summary>Checks a stage move from <paramref name="from"/> to <paramref name="to"/>.</summary>
    /// <exception cref="ConflictException">The model is governed and the caller did not break the glass.</exception>
    public Task<BreakGlass?> CheckStageAsync(string name, int version, string? from, string? to, HttpRequest request, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        ModelStage.Canonical(to) == ModelStage.Production || ModelStage.Canonical(from) == ModelStage.Production
            ? CheckAsync(name, version, $"moving version {version} from {from} to {ModelStage.Canonical(to) ?? to}", request, user, cancellationToken)
            : Task.FromResult<BreakGlass?>(null);

    /// <summary>Audits a break-glass move and opens its alert (<c>alert.open</c>, monitor <c>governance</c>).</summary>
    public async Task RecordAsync(BreakGlass? breakGlass, CancellationToken cancellationToken)
    {
        if (breakGlass is null)
        {
            return;
        }

        await alerts.OpenAlertAsync(new Alert
        {
            MonitorName = "governance",
            EndpointName = string.Empty,
            CheckKey = $"break-glass:{breakGlass.ModelName}",
            Status = AlertStatus.Open,
            Message = $"Break-glass by '{breakGlass.Actor}' on '{breakGlass.ModelName}': {breakGlass.What}, bypassing its promotion policy. Reason: {breakGlass.Reason}",
        }, breakGlass.Actor, cancellationToken);
    }

    private async Task<BreakGlass?> CheckAsync(string name, int? version, string what, HttpRequest request, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var effective = await policies.ResolveAsync(name, cancellationToken);
        if (!effective.Policy.Governed)
        {
            return null;
        }

        var reason = request.Headers[ReasonHeader].ToString().Trim();
        if (reason.Length > 0 && FerryPolicies.RoleOf(user) == Role.Admin)
        {
            return new BreakGlass(name, what, reason, user.ActorName());
        }

        var route = $"POST /api/v1/models/{Uri.EscapeDataString(name)}/versions/{(version is { } v ? v.ToString(System.Globalization.CultureInfo.InvariantCulture) : "{version}")}/promotions";
        throw new ConflictException(
            $"'{name}' is governed by its promotion policy (tier {effective.Policy.Tier.ToString().ToLowerInvariant()}, {effective.Policy.Approvals} approval(s)): " +
            $"{what} directly is refused. Open a promotion request: {route} (ferry promote request). " +
            $"An admin may break the glass with the {ReasonHeader} header, which is audited and raises an alert.");
    }
}
