using System.Globalization;
using System.Text.Json;
using Ferry.Core.Monitoring;
using Ferry.Core.Oversight;
using Ferry.Server.Monitoring;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Oversight;

/// <summary>
/// The override-rate check of an endpoint: of the predictions it served in the last
/// <see cref="OverrideRateOptions.OverrideRateWindow"/>, how many of the reviewed ones were overridden. Above
/// <see cref="EndpointOversight.OverrideRateLimit"/> (with at least <see cref="OverrideRateOptions.OverrideRateMinReviewed"/>
/// reviewed) it opens an alert of monitor <see cref="MonitorName"/> through the monitors' own bookkeeping
/// (<see cref="IMonitorStore.SaveRunAsync"/>: one open alert per endpoint at most, shown in <c>/api/v1/alerts</c>, on the
/// dashboard and posted to the alert webhooks); once the rate is back at or under the limit (or the limit is removed)
/// it resolves it. A report is stored only when the alert opens or resolves. Runs after each review, after a change
/// of the review settings, and every <see cref="OverrideRateOptions.OverrideRateCheckInterval"/>
/// (<see cref="OverrideRateWatch"/>).
/// </summary>
public sealed class OverrideRateCheck(
    IServiceScopeFactory scopes,
    AlertDelivery delivery,
    IOptions<OverrideRateOptions> options,
    TimeProvider clock) : IDisposable
{
    /// <summary>The monitor name (and check kind) of override-rate alerts.</summary>
    public const string MonitorName = "override-rate";

    // One evaluation at a time in this process, so two reviews cannot open two alerts.
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The alert's check key for an endpoint.</summary>
    public static string CheckKey(string endpoint) => $"{MonitorName}:{endpoint}";

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    /// <summary>Judges one endpoint now; returns the alerts it opened or resolved (none when nothing changed).</summary>
    public async Task<IReadOnlyList<AlertChange>> EvaluateAsync(string endpoint, string actor, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var services = scope.ServiceProvider;
            var settings = await services.GetRequiredService<IEndpointOversightStore>().GetAsync(endpoint, cancellationToken);
            var open = (await services.GetRequiredService<IAlertStore>().ListAlertsAsync(AlertStatus.Open, MonitorName, 1000, cancellationToken))
                .FirstOrDefault(a => a.EndpointName == endpoint && a.CheckKey == CheckKey(endpoint));
            var window = options.Value.OverrideRateWindow;
            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            var from = now - (long)window.TotalMilliseconds;
            long reviewed = 0, overridden = 0;
            double rate = 0;
            bool passed;
            string message;
            if (settings?.OverrideRateLimit is not { } limit)
            {
                passed = true;
                message = $"endpoint '{endpoint}' has no override-rate limit";
            }
            else
            {
                var counts = await services.GetRequiredService<IPredictionReviewStore>().CountAsync(endpoint, from, now + 1, cancellationToken);
                reviewed = counts.Sum(c => c.Reviewed);
                overridden = counts.Sum(c => c.Overridden);
                if (reviewed < options.Value.OverrideRateMinReviewed)
                {
                    // Too few reviews to judge: the alert stays as it is.
                    return [];
                }

                rate = (double)overridden / reviewed;
                passed = rate <= limit;
                message = string.Create(CultureInfo.InvariantCulture,
                    $"override rate {rate:0.####} on endpoint '{endpoint}': {overridden} of {reviewed} reviewed predictions served in the last {Describe(window)} were overridden; the limit is {limit:0.####}");
            }

            if (passed == (open is null))
            {
                return [];
            }

            var threshold = settings?.OverrideRateLimit ?? 0;
            var body = new MonitorReportBody(string.Empty, 0, reviewed, null, [], null, null, null,
                [new CheckResult(CheckKey(endpoint), MonitorName, passed, rate, threshold, message)]);
            var report = new MonitorReport
            {
                Id = Guid.CreateVersion7(clock.GetUtcNow()),
                MonitorName = MonitorName,
                EndpointName = endpoint,
                RanAt = now,
                WindowStart = from,
                WindowEnd = now,
                Status = passed ? ReportStatus.Passed : ReportStatus.Failed,
                Trigger = "review",
                FailedChecks = passed ? 0 : 1,
                ReportJson = JsonSerializer.Serialize(body, MonitoringJsonContext.Default.MonitorReportBody),
            };
            var changes = await services.GetRequiredService<IMonitorStore>()
                .SaveRunAsync(report, [new CheckOutcome(CheckKey(endpoint), passed, message)], actor, cancellationToken);
            delivery.Enqueue(changes);
            return changes;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static string Describe(TimeSpan window) =>
        window.TotalDays >= 1 && window.TotalDays == Math.Floor(window.TotalDays)
            ? string.Create(CultureInfo.InvariantCulture, $"{window.TotalDays:0} day(s)")
            : string.Create(CultureInfo.InvariantCulture, $"{window.TotalHours:0.##} hour(s)");
}
