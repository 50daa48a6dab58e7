namespace Ferry.Core.Monitoring;

/// <summary>An alert that a run opened or resolved (to be posted to webhooks).</summary>
/// <param name="Alert">The alert after the change.</param>
/// <param name="Event"><c>opened</c> or <c>resolved</c>.</param>
public sealed record AlertChange(Alert Alert, string Event);
