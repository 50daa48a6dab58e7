using System.Text.Json;

namespace Ferry.Core.Audit;

/// <summary>What a mutation says about itself; the audit log turns it into a chained <see cref="AuditEvent"/>.</summary>
/// <param name="Action">What was done, as <c>noun.verb</c>.</param>
/// <param name="Target">What it was done to.</param>
/// <param name="Summary">A JSON object describing the change.</param>
public sealed record AuditRecord(string Action, string Target, string Summary)
{
    /// <summary>Builds a record whose summary is <paramref name="summary"/> serialised as JSON.</summary>
    public static AuditRecord Of<T>(string action, string target, T summary) =>
        new(action, target, JsonSerializer.Serialize(summary, AuditJson.Options));
}

/// <summary>JSON settings used for audit summaries (camelCase, compact).</summary>
public static class AuditJson
{
    /// <summary>The options: web defaults, compact output.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}
