using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ferry.Core.Errors;
using Ferry.Core.Explain;
using Ferry.Core.Governance;
using Ferry.Core.Identity;
using Ferry.Core.Registry;
using Ferry.Server.Identity;

namespace Ferry.Server.Governance;

/// <summary>What a promotion request asks for.</summary>
/// <param name="Target">The alias to take (e.g. champion), or null with <paramref name="Stage"/>.</param>
/// <param name="Stage">The stage to move to (e.g. Production), or null with <paramref name="Target"/>.</param>
/// <param name="Justification">Why.</param>
/// <param name="ArchiveExisting">For a stage move: archive the versions already there.</param>
public sealed record PromotionAsk(string? Target, string? Stage, string? Justification, bool ArchiveExisting = false);

/// <summary>
/// Promotion requests: opens them with their evidence frozen, applies the four-eyes and approver rules, expires them
/// lazily (each read or decision first expires what is due, by the server's <see cref="TimeProvider"/>), and publishes
/// <c>promotion.*</c> events to every <see cref="IRegistryEventSink"/> after the change is committed.
/// </summary>
public sealed partial class PromotionService(
    IRegistryStore registry,
    IPromotionStore promotions,
    IModelCardStore cards,
    PolicyResolver policies,
    GateRunner gates,
    IEnumerable<IRegistryEventSink> sinks,
    IServiceProvider services,
    TimeProvider clock,
    ILogger<PromotionService> logger)
{
    /// <summary>Evaluates the gates for a version against its policy without opening a request.</summary>
    public async Task<(GateEvidence Evidence, EffectivePolicy Policy, int? Champion)> EvaluateAsync(string name, int version, string? against, string? stage, CancellationToken cancellationToken)
    {
        var found = await registry.GetVersionAsync(name, version, cancellationToken);
        var policy = await policies.ResolveAsync(name, cancellationToken);
        var alias = stage is null ? against ?? ProtectedAliases.Champion : null;
        var champion = await CurrentAsync(name, alias, stage, cancellationToken);
        var evidence = await gates.RunAsync(new GateContext(found.ModelName, version, alias, champion, policy.Policy.Gates), cancellationToken);
        return (evidence, policy, champion);
    }

    /// <summary>Opens a request (or, when the policy needs no approval and the gates pass, completes it at once).</summary>
    public async Task<PromotionRequest> RequestAsync(string name, int version, PromotionAsk ask, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ask);
        var (alias, stage) = Target(ask);
        var (evidence, policy, champion) = await EvaluateAsync(name, version, alias, stage, cancellationToken);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var cardJson = await cards.FindAsync(name, version, cancellationToken);
        var request = new PromotionRequest
        {
            Id = Guid.CreateVersion7(),
            ModelName = name,
            Version = version,
            TargetAlias = alias,
            TargetStage = stage,
            ArchiveExisting = stage is not null && ask.ArchiveExisting,
            Justification = ask.Justification?.Trim() ?? string.Empty,
            RequestedBy = user.ActorName(),
            RequestedAt = now,
            ExpiresAt = now + (policy.Policy.RequestExpiryHours * 3_600_000L),
            PolicyRevision = policy.Revision,
            PolicyJson = JsonSerializer.Serialize(policy.Policy, PolicyJson.Options),
            ChampionVersion = champion,
            EvidenceJson = JsonSerializer.Serialize(evidence, PolicyJson.Options),
            GatesPassed = evidence.Passed,
            FailedChecks = string.Join("; ", evidence.Results.Where(r => r.Verdict == GateVerdict.Fail).Select(r => $"{r.Gate}: {r.Check}")),
            CardSha256 = cardJson is null ? null : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(cardJson))),
        };
        var created = await promotions.CreateAsync(request, cancellationToken);
        await PublishAsync("promotion.requested", created, created.RequestedBy, null, cancellationToken);
        if (created.State == PromotionStates.Approved)
        {
            await PublishAsync("promotion.approved", created, created.RequestedBy, null, cancellationToken);
        }

        return created;
    }

    /// <summary>A request, after expiring what is due.</summary>
    public async Task<PromotionRequest> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await ExpireDueAsync(cancellationToken);
        return await promotions.FindAsync(id, cancellationToken) ?? throw new NotFoundException($"No promotion request has id {id}.");
    }

    /// <summary>Requests, newest first, after expiring what is due.</summary>
    public async Task<IReadOnlyList<PromotionRequest>> ListAsync(string? name, string? state, CancellationToken cancellationToken)
    {
        if (state is not null && !PromotionStates.All.Contains(state))
        {
            throw new ValidationException("state", $"must be one of {string.Join(", ", PromotionStates.All)}");
        }

        await ExpireDueAsync(cancellationToken);
        return await promotions.ListAsync(name, state, cancellationToken);
    }

    /// <summary>Approves: the caller must satisfy the frozen policy's approver role or group; the store applies four eyes and moves the target on the last approval.</summary>
    public async Task<ApprovalOutcome> ApproveAsync(Guid id, string? comment, ClaimsPrincipal user, CancellationToken cancellationToken, bool? archiveExisting = null)
    {
        var request = await GetAsync(id, cancellationToken);
        await EnsureApproverAsync(request, user, "approve", cancellationToken);
        var outcome = await promotions.ApproveAsync(id, user.ActorName(), comment ?? string.Empty, clock.GetUtcNow().ToUnixTimeMilliseconds(), archiveExisting, cancellationToken);
        if (outcome.Moved)
        {
            await PublishAsync("promotion.approved", outcome.Request, user.ActorName(), comment, cancellationToken);
        }

        return outcome;
    }

    /// <summary>Rejects (an eligible approver only).</summary>
    public async Task<PromotionRequest> RejectAsync(Guid id, string? comment, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var request = await GetAsync(id, cancellationToken);
        await EnsureApproverAsync(request, user, "reject", cancellationToken);
        var rejected = await promotions.RejectAsync(id, user.ActorName(), comment ?? string.Empty, clock.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        await PublishAsync("promotion.rejected", rejected, user.ActorName(), comment, cancellationToken);
        return rejected;
    }

    /// <summary>Withdraws (the requester only).</summary>
    public async Task<PromotionRequest> WithdrawAsync(Guid id, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        await ExpireDueAsync(cancellationToken);
        var withdrawn = await promotions.WithdrawAsync(id, user.ActorName(), clock.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        await PublishAsync("promotion.withdrawn", withdrawn, user.ActorName(), null, cancellationToken);
        return withdrawn;
    }

    private async Task ExpireDueAsync(CancellationToken cancellationToken)
    {
        foreach (var expired in await promotions.ExpireDueAsync(clock.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken))
        {
            await PublishAsync("promotion.expired", expired, "system", null, cancellationToken);
        }
    }

    private async Task EnsureApproverAsync(PromotionRequest request, ClaimsPrincipal user, string what, CancellationToken cancellationToken)
    {
        var policy = JsonSerializer.Deserialize<PromotionPolicy>(request.PolicyJson, PolicyJson.Options) ?? PromotionPolicy.Defaults(RiskTier.Medium);
        if (policy.ApproverGroup is { } group)
        {
            var directory = services.GetService<IGroupDirectory>()
                ?? throw new ConflictException($"The policy of '{request.ModelName}' names approver group '{group}', but this server has no group directory: nobody can {what} until groups are available, or the policy names a role instead.");
            var groups = await directory.GroupsOfAsync(user.ActorName(), cancellationToken);
            if (!groups.Contains(group, StringComparer.Ordinal))
            {
                throw new ConflictException($"Only members of group '{group}' may {what} promotions of '{request.ModelName}'; '{user.ActorName()}' is not one.");
            }

            return;
        }

        var role = Roles.TryParse(policy.ApproverRole ?? PromotionPolicy.DefaultApproverRole, out var parsed) ? parsed : Role.Approver;
        if (FerryPolicies.RoleOf(user) is not { } held || !held.Satisfies(role))
        {
            throw new ConflictException($"Only a token with the {role.ToWireName()} role or above may {what} promotions of '{request.ModelName}'.");
        }
    }

    private async Task<int?> CurrentAsync(string name, string? alias, string? stage, CancellationToken cancellationToken)
    {
        var model = await registry.GetModelAsync(name, cancellationToken);
        return alias is not null
            ? model.Aliases.FirstOrDefault(a => a.Alias == alias)?.Version
            : model.Versions.Where(v => v.CurrentStage == stage).Select(v => (int?)v.Version).Max();
    }

    private static (string? Alias, string? Stage) Target(PromotionAsk ask)
    {
        var alias = string.IsNullOrWhiteSpace(ask.Target) ? null : ask.Target.Trim();
        var stage = string.IsNullOrWhiteSpace(ask.Stage) ? null : ask.Stage.Trim();
        if ((alias is null) == (stage is null))
        {
            throw new ValidationException("target", "name exactly one of target (an alias such as champion) and stage (such as Production)");
        }

        if (stage is not null)
        {
            var canonical = ModelStage.Canonical(stage);
            return canonical is ModelStage.Staging or ModelStage.Production
                ? (null, canonical)
                : throw new ValidationException("stage", $"must be Staging or Production, not '{stage}'");
        }

        return alias!.Length > 256 || string.Equals(alias, "latest", StringComparison.OrdinalIgnoreCase)
            ? throw new ValidationException("target", $"'{alias}' is not an alias a version can take")
            : (alias, null);
    }

    private async Task PublishAsync(string type, PromotionRequest request, string actor, string? comment, CancellationToken cancellationToken)
    {
        var data = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["request_id"] = request.Id.ToString(),
            ["state"] = request.State,
            ["target_alias"] = request.TargetAlias,
            ["target_stage"] = request.TargetStage,
            ["requested_by"] = request.RequestedBy,
            ["gates_passed"] = request.GatesPassed ? "true" : "false",
        };
        if (comment is not null)
        {
            data["comment"] = comment;
        }

        if (request.PreviousVersion is { } previous)
        {
            data["previous_version"] = previous.ToString(CultureInfo.InvariantCulture);
        }

        var at = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await PublishToSinksAsync(new RegistryEvent(type, request.ModelName, request.Version, actor, at, data), request.Id, cancellationToken);
        if (type == "promotion.approved")
        {
            // The approval moved the alias (or stage): registry subscribers (MLflow's webhook events) hear of it as of any other move.
            var move = request.TargetAlias is { } alias
                ? new RegistryEvent(RegistryWebhookEvents.ModelVersionAliasCreated, request.ModelName, request.Version, actor, at, new Dictionary<string, string?>(StringComparer.Ordinal) { ["alias"] = alias })
                : new RegistryEvent(RegistryWebhookEvents.ModelVersionStageChanged, request.ModelName, request.Version, actor, at, new Dictionary<string, string?>(StringComparer.Ordinal) { ["to_stage"] = request.TargetStage });
            await PublishToSinksAsync(move, request.Id, cancellationToken);
        }
    }

    private async Task PublishToSinksAsync(RegistryEvent registryEvent, Guid requestId, CancellationToken cancellationToken)
    {
        foreach (var sink in sinks)
        {
            try
            {
                await sink.PublishAsync(registryEvent, cancellationToken);
            }
#pragma warning disable CA1031 // a sink's failure must not undo or fail the committed change; it is logged
            catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
            {
                LogSinkFailed(logger, e, registryEvent.Type, requestId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A registry event sink failed to take {Type} for promotion request {RequestId}")]
    private static partial void LogSinkFailed(ILogger logger, Exception exception, string type, Guid requestId);
}
