using System.Globalization;
using System.Text.Json;
using Ferry.Cli.Output;
using Ferry.Core.Contracts;

namespace Ferry.Cli.Commands.Governance;

/// <summary>Tables for policies, gate evidence and promotion requests.</summary>
internal static class GovernanceOutput
{
    public static void WritePolicy(PolicyView policy)
    {
        CliConsole.Line($"Policy of '{policy.Model}': tier {policy.Tier}, {(policy.Revision == 0 ? "installation default" : $"revision {policy.Revision} by {policy.UpdatedBy}")}, {(policy.Governed ? "governed" : "not governed")}.");
        var table = TableFormat.Create("Setting", "Value");
        table.AddTextRow("approvals", policy.Approvals.ToString(CultureInfo.InvariantCulture));
        table.AddTextRow("approver", policy.ApproverGroup is { } group ? $"group {group}" : $"role {policy.ApproverRole} or above");
        table.AddTextRow("requester may approve", policy.RequesterMayApprove ? "yes" : "no");
        table.AddTextRow("canary share max", policy.CanaryShareMax.ToString("0.###", CultureInfo.InvariantCulture));
        table.AddTextRow("request expiry", $"{policy.RequestExpiryHours} h");
        table.AddTextRow("retention floor", policy.RetentionFloorDays == 0 ? "none" : $"{policy.RetentionFloorDays} days");
        if (policy.Gates.ValueKind == JsonValueKind.Object)
        {
            foreach (var gate in policy.Gates.EnumerateObject())
            {
                table.AddTextRow("gates." + gate.Name, gate.Value.ValueKind == JsonValueKind.Null ? "off" : gate.Value.ToString());
            }
        }

        CliConsole.Write(table);
    }

    public static void WriteEvidence(JsonElement evidence)
    {
        var table = TableFormat.Create("Gate", "Check", "Verdict", "Value", "Threshold", "Detail");
        if (evidence.ValueKind == JsonValueKind.Object && evidence.TryGetProperty("results", out var results) && results.ValueKind == JsonValueKind.Array)
        {
            foreach (var r in results.EnumerateArray())
            {
                table.AddTextRow(Text(r, "gate"), Text(r, "check"), Text(r, "verdict"), Number(r, "value"), Number(r, "threshold"), Text(r, "detail"));
            }
        }

        CliConsole.Write(table);
    }

    public static void WritePromotion(PromotionView p)
    {
        CliConsole.Line($"Promotion {p.Id}: '{p.Model}' v{p.Version} -> {p.Target ?? p.Stage} is {p.State} ({p.Approvals}/{p.ApprovalsNeeded} approvals; gates {(p.GatesPassed ? "passed" : "failed")}).");
        CliConsole.Line($"Requested by {p.RequestedBy} at {TableFormat.Time(p.RequestedAt)}; expires {TableFormat.Time(p.ExpiresAt)}. Justification: {p.Justification}");
        foreach (var d in p.Decisions)
        {
            CliConsole.Line($"  {d.Decision} by {d.Actor} at {TableFormat.Time(d.At)}: {d.Comment}");
        }

        WriteEvidence(p.Evidence);
    }

    public static void WritePromotions(IEnumerable<PromotionView> promotions)
    {
        var table = TableFormat.Create("Id", "Model", "Version", "Target", "State", "Approvals", "Gates", "Requested by", "Requested");
        foreach (var p in promotions)
        {
            table.AddTextRow(p.Id.ToString(), p.Model, p.Version.ToString(CultureInfo.InvariantCulture), p.Target ?? p.Stage, p.State,
                $"{p.Approvals}/{p.ApprovalsNeeded}", p.GatesPassed ? "passed" : "failed", p.RequestedBy, TableFormat.Time(p.RequestedAt));
        }

        CliConsole.Write(table);
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : "-";

    private static string Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetDouble().ToString("0.####", CultureInfo.InvariantCulture)
            : "-";
}
