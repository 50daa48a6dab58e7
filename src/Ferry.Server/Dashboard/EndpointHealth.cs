using Ferry.Core.Monitoring;

namespace Ferry.Server.Dashboard;

/// <summary>An endpoint's health at a glance, from its monitors and their open alerts.</summary>
/// <param name="Text">What to show.</param>
/// <param name="Tone">How it looks.</param>
/// <param name="Detail">A sentence for the tooltip and screen readers.</param>
public sealed record EndpointHealth(string Text, Ui.Tone Tone, string Detail)
{
    /// <summary>Judges an endpoint from its monitors and the alerts open on it.</summary>
    public static EndpointHealth Of(IReadOnlyCollection<MonitorDefinition> monitors, IReadOnlyCollection<Alert> openAlerts)
    {
        ArgumentNullException.ThrowIfNull(monitors);
        ArgumentNullException.ThrowIfNull(openAlerts);
        if (openAlerts.Count > 0)
        {
            var checks = string.Join(", ", openAlerts.Select(a => a.CheckKey).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(5));
            return new(openAlerts.Count == 1 ? "1 open alert" : $"{openAlerts.Count} open alerts", Ui.Tone.Fail, $"Failing checks: {checks}");
        }

        return monitors.Count == 0
            ? new("Not monitored", Ui.Tone.None, "No monitor watches this endpoint: create one with `ferry monitor create`.")
            : new("Healthy", Ui.Tone.Ok, $"{monitors.Count} monitor(s), no open alert.");
    }

    /// <summary>The badge, with the detail as its tooltip.</summary>
    public Html Badge() => Html.Of($"<span class=\"badge {Tone.ToString().ToLowerInvariant()}\" title=\"{Detail}\">{Text}</span>");
}
