using System.Text;
using System.Text.Json;
using Ferry.Cli.Output;
using Ferry.Cli.Settings;

namespace Ferry.Cli.Commands.Ship;

/// <summary>How <c>ferry ship</c> prints its steps and where the model answers.</summary>
internal static class ShipOutput
{
    public static string StepLine(ShipStepResult step) => $"{step.Step,-10} {step.Outcome,-10} {step.Detail}";

    public static void Write(ShipReport report, bool linesShown)
    {
        if (!linesShown)
        {
            foreach (var step in report.Steps)
            {
                CliConsole.Line(StepLine(step));
            }
        }

        CliConsole.Line();
        CliConsole.Line(report.Changed
            ? $"Shipped {report.Model} v{report.Version}: '{report.Endpoint}' serves it, explained and monitored."
            : $"Nothing changed: {report.Model} v{report.Version} is already shipped to '{report.Endpoint}' with its reference and monitors.");
        CliConsole.Line($"  Endpoint:      {report.Links.Predict}");
        CliConsole.Line($"  Explanations:  {report.Links.Predict}?explain=true  (or {report.Links.Explain}; logged ones at {report.Links.Explanations})");
        CliConsole.Line($"  Dashboard:     {report.Links.Dashboard}");
        CliConsole.Line($"  Monitors:      {string.Join(", ", report.Monitors)}  (run one now: ferry monitor run {report.Monitors[0]})");
        CliConsole.Line();
        CliConsole.Line("Try it:");
        CliConsole.Line("  " + report.Curl);
    }

    /// <summary>A <c>curl</c> command that posts <paramref name="record"/> to <paramref name="url"/> with the token from <c>$FERRY_TOKEN</c>.</summary>
    public static string Curl(string url, IReadOnlyDictionary<string, object?> record)
    {
        var body = new StringBuilder("{\"records\":[");
        body.Append(JsonSerializer.Serialize(record));
        body.Append("]}");
        var quoted = body.ToString().Replace("'", "'\\''", StringComparison.Ordinal);
        return $"curl -s -X POST '{url}' -H \"Authorization: Bearer ${FerryEnvironment.Token}\" -H 'Content-Type: application/json' -d '{quoted}'";
    }
}
