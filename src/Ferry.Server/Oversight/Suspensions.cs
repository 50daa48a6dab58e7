using Ferry.Core.Errors;
using Ferry.Core.Monitoring;
using Ferry.Core.Oversight;
using Ferry.Server.Monitoring;
using Ferry.Server.Serving;

namespace Ferry.Server.Oversight;

/// <summary>
/// Suspends and resumes endpoints (the API and the dashboard's form): the change is stored and audited
/// (<c>endpoint.suspend</c>, <c>endpoint.resume</c>) through <see cref="IEndpointOversightStore"/>, applied to this
/// replica's <see cref="PolicyCache"/> at once (other replicas follow within the policy refresh interval), and a
/// suspension opens an alert (monitor <c>suspension</c>) that alert delivery posts to every webhook; resuming
/// resolves it.
/// </summary>
public sealed class Suspensions(IEndpointOversightStore store, IAlertStore alerts, AlertDelivery delivery, PolicyCache policies, TimeProvider clock)
{
    /// <summary>The audit action of a suspension.</summary>
    public const string SuspendAction = "endpoint.suspend";

    /// <summary>The audit action of a resume.</summary>
    public const string ResumeAction = "endpoint.resume";

    /// <summary>The longest reason accepted.</summary>
    public const int MaxReasonLength = 2000;

    /// <summary>The check key of an endpoint's suspension alert.</summary>
    public static string CheckKey(string endpoint) => $"suspended:{endpoint}";

    /// <summary>
    /// Suspends the endpoint: from now on it answers <paramref name="fallbackJson"/> (already checked by
    /// <see cref="SuspensionFallback.Normalize"/>; null keeps the configured fallback) instead of running its model.
    /// </summary>
    /// <exception cref="ValidationException">No reason.</exception>
    /// <exception cref="NotFoundException">No such endpoint.</exception>
    /// <exception cref="ConflictException">It is suspended already.</exception>
    public async Task<EndpointOversight> SuspendAsync(string endpoint, string? reason, string? fallbackJson, string actor, CancellationToken cancellationToken)
    {
        var why = Reason(reason);
        var current = await store.GetAsync(endpoint, cancellationToken) ?? throw new NotFoundException($"No endpoint is named '{endpoint}'.");
        ThrowIfSuspended(current);
        var updated = await store.UpdateAsync(endpoint, SuspendAction, settings =>
        {
            // Checked again inside the transaction: two approvers suspending at once get one suspension and one 409.
            ThrowIfSuspended(settings);
            settings.Suspended = true;
            settings.SuspendedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
            settings.SuspendedBy = actor;
            settings.SuspendReason = why;
            if (fallbackJson is not null)
            {
                settings.FallbackJson = fallbackJson;
            }
        }, actor, cancellationToken);
        await policies.RefreshAsync(endpoint, cancellationToken);
        var alert = await alerts.OpenAlertAsync(new Alert
        {
            MonitorName = SuspensionFallback.MonitorName,
            EndpointName = endpoint,
            CheckKey = CheckKey(endpoint),
            Status = AlertStatus.Open,
            Message = $"Endpoint '{endpoint}' was suspended by '{actor}': it answers its fallback {SuspensionFallback.Of(updated)} instead of running its model. Reason: {why}",
        }, actor, cancellationToken);
        delivery.Enqueue([new AlertChange(alert, "opened")]);
        return updated;
    }

    /// <summary>Resumes the endpoint: its model answers again; the suspension's alert is resolved.</summary>
    /// <exception cref="ValidationException">No reason.</exception>
    /// <exception cref="NotFoundException">No such endpoint.</exception>
    /// <exception cref="ConflictException">It is not suspended.</exception>
    public async Task<EndpointOversight> ResumeAsync(string endpoint, string? reason, string actor, CancellationToken cancellationToken)
    {
        var why = Reason(reason);
        var current = await store.GetAsync(endpoint, cancellationToken) ?? throw new NotFoundException($"No endpoint is named '{endpoint}'.");
        ThrowIfRunning(current);
        var updated = await store.UpdateAsync(endpoint, ResumeAction, settings =>
        {
            ThrowIfRunning(settings);
            settings.Suspended = false;
            settings.SuspendedAt = null;
            settings.SuspendedBy = null;
            // The resume's reason replaces the suspension's in the settings; both stay in the audit trail.
            settings.SuspendReason = why;
        }, actor, cancellationToken);
        await policies.RefreshAsync(endpoint, cancellationToken);
        var resolved = await alerts.ResolveAlertsAsync(SuspensionFallback.MonitorName, CheckKey(endpoint), actor, cancellationToken);
        delivery.Enqueue(resolved.Select(a => new AlertChange(a, "resolved")));
        return updated;
    }

    private static string Reason(string? reason)
    {
        var trimmed = reason?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            throw new ValidationException("reason", "is required: say why (it is audited and sent with the alert)");
        }

        return trimmed.Length > MaxReasonLength
            ? throw new ValidationException("reason", $"is {trimmed.Length} characters long; at most {MaxReasonLength} are accepted")
            : trimmed;
    }

    private static void ThrowIfSuspended(EndpointOversight settings)
    {
        if (settings.Suspended)
        {
            var at = settings.SuspendedAt is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("u", System.Globalization.CultureInfo.InvariantCulture) : "an unknown time";
            throw new ConflictException($"Endpoint '{settings.EndpointName}' is already suspended (by '{settings.SuspendedBy}' at {at}: {settings.SuspendReason}). Resume it first to change the suspension.");
        }
    }

    private static void ThrowIfRunning(EndpointOversight settings)
    {
        if (!settings.Suspended)
        {
            throw new ConflictException($"Endpoint '{settings.EndpointName}' is not suspended: its model is answering.");
        }
    }
}
