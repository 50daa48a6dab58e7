using System.Text.Json;

namespace Ferry.Core.Contracts;

/// <summary>
/// <c>POST /api/v1/endpoints/{name}/suspend</c>'s body: why (required) and, optionally, the answer every record gets while
/// suspended (a JSON object; absent keeps the configured one, else <c>{"outcome":"refer","reason":"suspended"}</c>).
/// </summary>
/// <param name="Reason">Why the endpoint is stopped (audited, alerted, shown on the dashboard).</param>
/// <param name="Fallback">The fallback answer, or null.</param>
public sealed record SuspendRequest(string? Reason, JsonElement? Fallback = null);

/// <summary><c>POST /api/v1/endpoints/{name}/resume</c>'s body.</summary>
/// <param name="Reason">Why the model may answer again (audited).</param>
public sealed record ResumeRequest(string? Reason);

/// <summary>An endpoint's suspension state.</summary>
/// <param name="Endpoint">The endpoint.</param>
/// <param name="Suspended">True while it answers its fallback instead of a score.</param>
/// <param name="SuspendedBy">Who suspended it (while suspended).</param>
/// <param name="SuspendedAt">When (while suspended).</param>
/// <param name="SuspendReason">Why (while suspended).</param>
/// <param name="Fallback">The answer each record gets while suspended.</param>
/// <param name="UpdatedBy">Who made the last change.</param>
/// <param name="UpdatedAt">When.</param>
public sealed record SuspensionView(string Endpoint, bool Suspended, string? SuspendedBy, DateTimeOffset? SuspendedAt, string? SuspendReason,
    JsonElement Fallback, string UpdatedBy, DateTimeOffset UpdatedAt);
