using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ferry.Core.Governance;
using Ferry.Core.Identity;
using Ferry.Server.Identity;

namespace Ferry.Server.Dashboard;

/// <summary>What the signed-in person may do with a promotion request, and why not when they may not approve.</summary>
/// <param name="MayApprove">Show the approve form.</param>
/// <param name="MayReject">Show the reject form.</param>
/// <param name="MayWithdraw">Show the withdraw button (the requester).</param>
/// <param name="IsEligibleApprover">They satisfy the frozen policy's approver role or group (whatever else stops them).</param>
/// <param name="Why">Why they may not approve, in one sentence; null when they may.</param>
public sealed record PromotionActions(bool MayApprove, bool MayReject, bool MayWithdraw, bool IsEligibleApprover, string? Why);

/// <summary>
/// Decides which decision forms a dashboard page shows: the same rules <see cref="Governance.PromotionService"/> and the
/// promotion store enforce (approver role or group of the frozen policy, four eyes, one approval per person, no approval
/// while a gate fails, withdraw by the requester only). Only what is shown is decided here: every post is still
/// checked by the service, so a forged form is refused there.
/// </summary>
public sealed class PromotionAccess(IServiceProvider services)
{
    private static readonly JsonSerializerOptions EvidenceOptions = new(PolicyJson.Options)
    {
        PreferredObjectCreationHandling = JsonObjectCreationHandling.Populate,
    };

    /// <summary>The request's frozen policy.</summary>
    public static PromotionPolicy PolicyOf(PromotionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return JsonSerializer.Deserialize<PromotionPolicy>(request.PolicyJson, PolicyJson.Options) ?? PromotionPolicy.Defaults(RiskTier.Medium);
        }
        catch (JsonException)
        {
            return PromotionPolicy.Defaults(RiskTier.Medium);
        }
    }

    /// <summary>The request's frozen evidence (empty when unreadable).</summary>
    public static GateEvidence EvidenceOf(PromotionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return JsonSerializer.Deserialize<GateEvidence>(request.EvidenceJson, EvidenceOptions) ?? new GateEvidence();
        }
        catch (JsonException)
        {
            return new GateEvidence();
        }
    }

    /// <summary>Approvals the request needs (at least one: a request of an ungoverned model that is still pending waits for one).</summary>
    public static int ApprovalsNeeded(PromotionRequest request) => Math.Max(1, PolicyOf(request).Approvals);

    /// <summary>Distinct approvers so far.</summary>
    public static int ApprovalsSoFar(PromotionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Decisions.Where(d => d.Decision == "approve").Select(d => d.Actor).Distinct(StringComparer.Ordinal).Count();
    }

    /// <summary>What <paramref name="user"/> may do with <paramref name="request"/>.</summary>
    public async Task<PromotionActions> ForAsync(PromotionRequest request, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(user);
        var actor = user.Identity?.Name ?? string.Empty;
        var role = FerryPolicies.RoleOf(user);
        var scientist = role is { } held && held.Satisfies(Role.Scientist); // the API's decision routes need a scientist
        var isRequester = string.Equals(actor, request.RequestedBy, StringComparison.Ordinal);
        if (request.State != PromotionStates.Pending)
        {
            return new PromotionActions(false, false, false, false, $"This request is {request.State}: it takes no more decisions.");
        }

        var policy = PolicyOf(request);
        var (eligible, notEligible) = await EligibleAsync(policy, actor, role, cancellationToken);
        eligible &= scientist;
        var mayWithdraw = isRequester && scientist;
        string? why = null;
        if (!eligible)
        {
            why = notEligible ?? "Approving needs a scientist token or above.";
        }
        else if (isRequester && !policy.RequesterMayApprove)
        {
            why = "You requested this promotion. Four eyes: someone else must approve it.";
        }
        else if (request.Decisions.Any(d => d.Decision == "approve" && string.Equals(d.Actor, actor, StringComparison.Ordinal)))
        {
            why = "You have approved this request already; each approver counts once.";
        }
        else if (!request.GatesPassed)
        {
            why = "A gate check failed, so this request cannot be approved; fix the candidate and open a new request.";
        }

        return new PromotionActions(why is null, eligible && !isRequester, mayWithdraw, eligible, why);
    }

    private async Task<(bool Eligible, string? Why)> EligibleAsync(PromotionPolicy policy, string actor, Role? role, CancellationToken cancellationToken)
    {
        if (policy.ApproverGroup is { } group)
        {
            if (services.GetService<IGroupDirectory>() is not { } directory)
            {
                return (false, $"The policy names approver group '{group}', but this server has no group directory.");
            }

            var groups = await directory.GroupsOfAsync(actor, cancellationToken);
            return groups.Contains(group, StringComparer.Ordinal) ? (true, null) : (false, $"Only members of group '{group}' may approve or reject this request.");
        }

        var needed = Roles.TryParse(policy.ApproverRole ?? PromotionPolicy.DefaultApproverRole, out var parsed) ? parsed : Role.Approver;
        return role is { } held && held.Satisfies(needed)
            ? (true, null)
            : (false, $"Only a token with the {needed.ToWireName()} role or above may approve or reject this request.");
    }
}
