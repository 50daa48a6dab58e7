using System.Globalization;
using System.Text.Json;
using Ferry.Core.Errors;
using Ferry.Core.Monitoring;
using Ferry.Core.Serving;
using Ferry.Statistics.Drift;
using Ferry.Statistics.Profiles;
using Microsoft.Extensions.Options;

namespace Ferry.Server.Monitoring;

/// <summary>
/// Runs a monitor once: writes this replica's pending profiles, waits for its prediction log to have written what it
/// accepted before the run, merges the window's bucket profiles (every replica),
/// loads the scored rows when performance is checked, evaluates, stores the report, opens and resolves alerts in the
/// same transaction, then queues the alert events for the webhooks. The window is rounded out to whole buckets.
/// </summary>
/// <remarks>
/// Drift is exact when the window's prediction log holds at most <see cref="MonitoringOptions.ExactRowLimit"/> rows, as
/// many as its profiles counted, and the reference kept its full columns: every statistic is then computed by
/// <see cref="ExactDrift"/> from the logged values against the full reference columns. Otherwise it comes from the
/// profiles (<see cref="ApproximateDrift"/>), each column with its error bound, and the drift section says why.
/// </remarks>
public sealed class MonitorRunner(
    IMonitorStore store,
    IProfileBucketStore buckets,
    IWindowPredictionStore predictions,
    ReferenceCache references,
    IReferenceColumnStore referenceColumns,
    ProfileCollector collector,
    IPredictionLogBarrier log,
    AlertDelivery delivery,
    IOptions<ProfileOptions> profileOptions,
    IOptions<MonitoringOptions> monitoringOptions,
    TimeProvider clock)
{
    /// <summary>Most logged predictions read for performance checks (the newest of the window).</summary>
    public const int MaxScoredRows = 200_000;

    /// <summary>Runs <paramref name="monitorName"/> over the window ending at <paramref name="windowEnd"/> (epoch ms; null = now).</summary>
    /// <exception cref="NotFoundException">No such monitor.</exception>
    /// <exception cref="ValidationException">The judged version has no reference profile.</exception>
    public async Task<MonitorReport> RunAsync(string monitorName, long? windowEnd, string trigger, string actor, CancellationToken cancellationToken = default)
    {
        var monitor = await store.FindMonitorAsync(monitorName, cancellationToken)
            ?? throw new NotFoundException($"No monitor is named '{monitorName}'.");
        var spec = JsonSerializer.Deserialize(monitor.SpecJson, MonitoringJsonContext.Default.MonitorSpec)!;
        await collector.FlushAsync(cancellationToken);
        // The profiles just written count every row this replica served; the exact drift test and the performance
        // checks read the rows themselves from the prediction log, whose writer batches for up to its flush interval.
        // Without this a run right after traffic saw fewer logged rows than profiled ones (exact drift fell back to
        // the profiles; CBPE and realized metrics missed the newest rows). Bounded: a database that stays down must
        // not hold the run, which then reads what was written.
        await log.WriteQueuedAsync(cancellationToken);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var end = windowEnd ?? now;
        var start = end - (spec.WindowSeconds * 1000);
        var width = (long)profileOptions.Value.BucketWidth.TotalMilliseconds;
        var firstBucket = start / width * width;
        var (model, version) = await VersionAsync(monitor, spec, firstBucket, end, cancellationToken);
        var report = new MonitorReport
        {
            Id = Guid.CreateVersion7(),
            MonitorName = monitor.Name,
            EndpointName = monitor.EndpointName,
            RanAt = now,
            WindowStart = start,
            WindowEnd = end,
            Status = ReportStatus.NotEnoughData,
            Trigger = trigger,
            ReportJson = "{}",
        };
        if (model is null)
        {
            report.ReportJson = Serialize(new MonitorReportBody(string.Empty, 0, 0, null, [], null, null, null, []));
            await store.SaveRunAsync(report, [], actor, cancellationToken);
            return report;
        }

        var reference = await references.GetAsync(model, version, cancellationToken)
            ?? throw new ValidationException("reference", $"{model} version {version} has no reference profile; compute one with 'ferry models reference {model} {version} <training data>'");
        var current = DatasetProfile.Empty(reference.Profile.Schema);
        foreach (var bucket in await buckets.ListAsync(monitor.EndpointName, model, version, firstBucket, end, cancellationToken))
        {
            try
            {
                current.MergeFrom(bucket.Profile);
            }
            catch (ArgumentException)
            {
                // A bucket folded before this reference existed (kinds-only layout) cannot be compared bin by bin.
            }
        }

        MonitorReportBody body;
        if (current.Rows < spec.MinRows)
        {
            body = new MonitorReportBody(model, version, current.Rows, null, [], null, null, null, []);
        }
        else
        {
            var performance = spec.Performance is { } performanceSpec
                ? await PerformanceAsync(monitor.EndpointName, model, version, start, end, performanceSpec, reference, cancellationToken)
                : null;
            var exact = spec.Drift is null
                ? null
                : await ExactDriftAsync(monitor.EndpointName, model, version, firstBucket, LastBucketEnd(end, width), reference, current.Rows, cancellationToken);
            body = MonitorEvaluator.Evaluate(spec, model, version, reference.Profile, current, performance, exact?.TestColumn);
            if (body.Drift is { } drift && exact is not null)
            {
                body = body with { Drift = drift with { ExactRows = exact.TestColumn is null ? null : exact.Rows, Note = exact.Note } };
            }
            report.FailedChecks = body.Checks.Count(c => !c.Passed);
            report.Status = report.FailedChecks > 0 ? ReportStatus.Failed : ReportStatus.Passed;
        }

        report.ReportJson = Serialize(body);
        var changes = await store.SaveRunAsync(report, [.. body.Checks.Select(c => new CheckOutcome(c.Key, c.Passed, c.Message))], actor, cancellationToken);
        delivery.Enqueue(changes);
        return report;
    }

    private async Task<(string? Model, int Version)> VersionAsync(Core.Monitoring.MonitorDefinition monitor, MonitorSpec spec, long from, long to, CancellationToken cancellationToken)
    {
        var versions = await buckets.VersionsAsync(monitor.EndpointName, from, to, cancellationToken);
        if (spec.ModelVersion is { } pinned)
        {
            var match = versions.FirstOrDefault(v => v.ModelVersion == pinned);
            return match is null ? (null, 0) : (match.ModelName, pinned);
        }

        return versions.Count == 0 ? (null, 0) : (versions[0].ModelName, versions[0].ModelVersion);
    }

    private async Task<PerformanceInput> PerformanceAsync(string endpoint, string model, int version, long start, long end, PerformanceCheckSpec spec, LoadedReference reference, CancellationToken cancellationToken)
    {
        var rows = await predictions.ListAsync(endpoint, model, version, start, end, MaxScoredRows, cancellationToken);
        var isRegression = !reference.Profile.Schema.Columns.Any(c => c.Name == ProfileColumns.Label);
        var scored = rows.Select(r => ScoredRows.From(r, spec.SliceBy)).ToList();
        return new PerformanceInput(scored, isRegression, reference.Entry.PositiveLabel, reference.Calibrator);
    }

    /// <summary>The end of the last bucket that starts before <paramref name="end"/>: the profiles' time span.</summary>
    private static long LastBucketEnd(long end, long width) => end <= 0 ? end : ((end - 1) / width * width) + width;

    /// <summary>The exact drift test over the window's logged rows, or why there is none (the drift is then from profiles).</summary>
    private async Task<ExactWindow> ExactDriftAsync(string endpoint, string model, int version, long from, long until, LoadedReference reference, long profiledRows, CancellationToken cancellationToken)
    {
        var limit = monitoringOptions.Value.ExactRowLimit;
        if (limit == 0)
        {
            return ExactWindow.Approximate($"Approximate: exact statistics are off ({MonitoringOptions.Section}:{nameof(MonitoringOptions.ExactRowLimit)} is 0).");
        }

        var logged = await predictions.CountAsync(endpoint, model, version, from, until, cancellationToken);
        if (logged > limit)
        {
            return ExactWindow.Approximate(string.Create(CultureInfo.InvariantCulture,
                $"Approximate: the window's prediction log holds {logged:N0} rows, above {MonitoringOptions.Section}:{nameof(MonitoringOptions.ExactRowLimit)} ({limit:N0}); statistics come from profiles."));
        }

        if (logged < profiledRows)
        {
            return ExactWindow.Approximate(string.Create(CultureInfo.InvariantCulture,
                $"Approximate: the prediction log holds {logged:N0} of the window's {profiledRows:N0} profiled rows (not written yet, or removed by retention); statistics come from profiles."));
        }

        var columns = await referenceColumns.LoadAsync(model, version, cancellationToken);
        if (columns is null || columns.Values.Any(c => c.Rows != reference.Entry.Rows))
        {
            return ExactWindow.Approximate(
                $"Approximate: the reference of {model} version {version} keeps no full columns (it has more rows than {MonitoringOptions.Section}:{nameof(MonitoringOptions.ExactRowLimit)}, or was set before they were kept: set it again); statistics come from profiles.");
        }

        var values = new LoggedColumns(columns.Values.Select(c => (c.Name, c.IsNumeric)), (int)logged);
        await foreach (var row in predictions.StreamAsync(endpoint, model, version, from, until, cancellationToken))
        {
            values.Add(row);
        }

        var schema = reference.Profile.Schema.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        return new ExactWindow((profile, options) =>
        {
            if (!columns.TryGetValue(profile.Name, out var referenceValues) || !schema.TryGetValue(profile.Name, out var column))
            {
                return ApproximateDrift.Test(reference.Profile, profile, options);
            }

            if (referenceValues.Numbers is { } numbers)
            {
                return values.IsNumeric(profile.Name)
                    ? ExactDrift.TestNumeric(profile.Name, numbers, values.Numbers(profile.Name), column.BinEdges, options)
                    : ApproximateDrift.Test(reference.Profile, profile, options);
            }

            return ExactDrift.TestCategorical(profile.Name, referenceValues.Categories!, values.Categories(profile.Name) ?? Array.Empty<string?>(), options);
        }, values.Rows, null);
    }

    private sealed record ExactWindow(Func<ColumnProfile, DriftTestOptions, ColumnDriftResult>? TestColumn, long Rows, string? Note)
    {
        public static ExactWindow Approximate(string note) => new(null, 0, note);
    }

    private static string Serialize(MonitorReportBody body) => JsonSerializer.Serialize(body, MonitoringJsonContext.Default.MonitorReportBody);
}
