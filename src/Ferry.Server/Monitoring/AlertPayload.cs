using Ferry.Core.Contracts;
using Ferry.Core.Monitoring;

namespace Ferry.Server.Monitoring;

/// <summary>The JSON posted to a webhook: a Slack-compatible <c>text</c> line, then the alert's fields.</summary>
/// <param name="Text">One line for chat tools (Slack, Mattermost, Teams' incoming webhooks read <c>text</c>).</param>
/// <param name="Event"><c>opened</c> or <c>resolved</c>.</param>
/// <param name="Alert">The alert.</param>
public sealed record AlertPayload(string Text, string Event, AlertView Alert)
{
    /// <summary>Builds the payload of an alert event.</summary>
    public static AlertPayload From(Alert alert, string alertEvent)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var text = alertEvent == "resolved"
            ? $"[Ferry] RESOLVED: monitor '{alert.MonitorName}' on endpoint '{alert.EndpointName}': check {alert.CheckKey} passes again."
            : $"[Ferry] ALERT: monitor '{alert.MonitorName}' on endpoint '{alert.EndpointName}': {alert.Message}";
        return new AlertPayload(text, alertEvent, AlertView.From(alert));
    }
}
