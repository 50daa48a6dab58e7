using System.Text.Json;
using Ferry.Core.Monitoring;
using Ferry.Server.Monitoring;

namespace Ferry.Server.Dashboard.Pages;

/// <summary>A monitor's report with its body parsed, positioned at its window's end.</summary>
/// <param name="Report">The stored report.</param>
/// <param name="Body">Its body, or null for runs that checked nothing.</param>
public sealed record ParsedReport(MonitorReport Report, MonitorReportBody? Body)
{
    /// <summary>Where the report sits on a time axis: the end of its window.</summary>
    public DateTimeOffset At => DateTimeOffset.FromUnixTimeMilliseconds(Report.WindowEnd);

    /// <summary>Parses stored reports (bodies that fail to parse count as empty).</summary>
    public static IReadOnlyList<ParsedReport> Parse(IEnumerable<MonitorReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        return [.. reports.Select(r => new ParsedReport(r, TryParse(r.ReportJson)))];
    }

    private static MonitorReportBody? TryParse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, MonitoringJsonContext.Default.MonitorReportBody);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
