using System.Globalization;
using System.Text.Json;
using Ferry.Cli.Output;
using Ferry.Client.Monitoring;
using Ferry.Core.Contracts;
using Ferry.Core.Monitoring;

namespace Ferry.Cli.Commands.Monitoring;

/// <summary>How monitors and reports are printed.</summary>
internal static class MonitorOutput
{
    private static readonly JsonSerializerOptions Indented = new(MonitoringClient.JsonOptions) { WriteIndented = true };

    /// <summary>Writes a value as indented JSON (NaN as text).</summary>
    public static void Json<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Indented));

    /// <summary>A report: its verdict, then one row per check.</summary>
    public static void WriteReport(ReportView report)
    {
        CliConsole.Line($"{report.Monitor} on {report.Endpoint}: {report.Status} ({report.FailedChecks} failed check(s)), window {report.WindowStart} – {report.WindowEnd}");
        if (report.Report is not { } body)
        {
            return;
        }

        CliConsole.Line(string.Create(CultureInfo.InvariantCulture, $"{body.ModelName} version {body.ModelVersion}, {body.Rows:N0} rows"));
        if (body.Drift is { } drift)
        {
            CliConsole.Line(DriftAccuracy.Summary(drift));
        }
        if (body.Checks.Count == 0)
        {
            return;
        }

        var table = TableFormat.Create("Check", "Result", "Value", "Limit", "Finding");
        foreach (var check in body.Checks.OrderBy(c => c.Passed).ThenBy(c => c.Key, StringComparer.Ordinal))
        {
            table.AddTextRow(check.Key, check.Passed ? "pass" : "FAIL", MonitorEvaluator.Format(check.Value), MonitorEvaluator.Format(check.Threshold), check.Message);
        }

        CliConsole.Write(table);
    }

    /// <summary>One line per monitor.</summary>
    public static void WriteMonitors(IReadOnlyList<MonitorView> monitors)
    {
        var table = TableFormat.Create("Name", "Endpoint", "Window", "Schedule", "Last run", "Status");
        foreach (var m in monitors)
        {
            table.AddTextRow(m.Name, m.Endpoint, Durations.Text(m.Spec.WindowSeconds), m.Spec.Schedule ?? "on demand", m.LastReport?.RanAt ?? "never", m.LastReport?.Status ?? "");
        }

        CliConsole.Write(table);
    }
}

/// <summary>Durations on the command line: <c>30m</c>, <c>6h</c>, <c>1d</c>, <c>2w</c> or seconds.</summary>
internal static class Durations
{
    /// <summary>Parses a duration into seconds.</summary>
    /// <exception cref="CliException">Not a duration (exit code 2).</exception>
    public static long Seconds(string text, string option)
    {
        var unit = text.Length > 0 ? char.ToLowerInvariant(text[^1]) : ' ';
        var factor = unit switch { 's' => 1L, 'm' => 60L, 'h' => 3600L, 'd' => 86_400L, 'w' => 604_800L, _ => 0L };
        var number = factor == 0 ? text : text[..^1];
        if (!long.TryParse(number, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n <= 0)
        {
            throw new CliException(ExitCodes.InvalidArguments, $"{option}: '{text}' is not a duration (e.g. 30m, 6h, 1d, 2w)");
        }

        return n * (factor == 0 ? 1 : factor);
    }

    /// <summary>Seconds as the largest whole unit.</summary>
    public static string Text(long seconds) => seconds switch
    {
        _ when seconds % 604_800 == 0 => $"{seconds / 604_800}w",
        _ when seconds % 86_400 == 0 => $"{seconds / 86_400}d",
        _ when seconds % 3600 == 0 => $"{seconds / 3600}h",
        _ when seconds % 60 == 0 => $"{seconds / 60}m",
        _ => $"{seconds}s",
    };
}
