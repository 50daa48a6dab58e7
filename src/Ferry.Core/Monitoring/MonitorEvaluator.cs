using System.Globalization;
using Ferry.Statistics.Drift;
using Ferry.Statistics.Profiles;

namespace Ferry.Core.Monitoring;

/// <summary>
/// Judges one window against a version's reference: drift per feature and of the prediction, data quality, realized
/// and estimated performance. Pure: the caller loads the merged profile of the window and its scored rows.
/// </summary>
public static partial class MonitorEvaluator
{
    /// <summary>Evaluates <paramref name="spec"/> on a window.</summary>
    /// <param name="spec">What to check.</param>
    /// <param name="modelName">The model judged.</param>
    /// <param name="modelVersion">The version judged.</param>
    /// <param name="reference">The version's reference profile.</param>
    /// <param name="current">The window's merged profile.</param>
    /// <param name="performance">The window's scored rows, when performance is checked.</param>
    /// <param name="testColumn">Computes one column's drift test in place of <see cref="ApproximateDrift.Test"/> on
    /// the profiles (<c>ferry drift</c> and monitors under their row limit pass exact tests on the raw values).</param>
    public static MonitorReportBody Evaluate(
        MonitorSpec spec,
        string modelName,
        int modelVersion,
        ReferenceProfile reference,
        DatasetProfile current,
        PerformanceInput? performance,
        Func<ColumnProfile, DriftTestOptions, ColumnDriftResult>? testColumn = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        var checks = new List<CheckResult>();
        var features = FeatureColumns(spec, reference);
        DriftSection? drift = null;
        if (spec.Drift is { } driftSpec)
        {
            testColumn ??= (profile, options) => ApproximateDrift.Test(reference, profile, options);
            drift = Drift(driftSpec, reference, current, features, checks, testColumn);
        }

        var quality = spec.Quality is { } qualitySpec ? Quality(qualitySpec, current, features, checks) : null;
        var (realized, estimated) = spec.Performance is { } performanceSpec && performance is not null
            ? Performance(performanceSpec, performance, checks)
            : (null, null);
        var histograms = reference.Schema.Columns
            .Where(c => current.Columns.ContainsKey(c.Name) && (features.Contains(c.Name) || ProfileColumns.IsOutput(c.Name)))
            .Select(c => Histogram(c, reference.Profile.Columns[c.Name], current.Columns[c.Name]))
            .ToList();
        return new MonitorReportBody(modelName, modelVersion, current.Rows, drift, histograms, quality, realized, estimated, checks);
    }

    private static HashSet<string> FeatureColumns(MonitorSpec spec, ReferenceProfile reference)
    {
        var all = reference.Schema.Columns.Select(c => c.Name).Where(n => !ProfileColumns.IsOutput(n));
        var chosen = spec.Drift?.Features is { Count: > 0 } only ? all.Where(only.Contains) : all;
        return [.. chosen];
    }

    private static DriftSection Drift(
        DriftCheckSpec spec,
        ReferenceProfile reference,
        DatasetProfile current,
        HashSet<string> features,
        List<CheckResult> checks,
        Func<ColumnProfile, DriftTestOptions, ColumnDriftResult> testColumn)
    {
        var results = new List<ColumnDriftResult>();
        foreach (var column in reference.Schema.Columns.Where(c => features.Contains(c.Name)))
        {
            if (current.Columns.TryGetValue(column.Name, out var profile) && profile.Count > 0)
            {
                results.Add(testColumn(profile, Options(spec, column.Name)));
            }
        }

        var drifted = results.Count(r => r.Drifted);
        var share = results.Count == 0 ? 0 : drifted / (double)results.Count;
        var dataset = new DatasetDriftResult(results, drifted, share, results.Count > 0 && share >= spec.DriftShare);
        if (spec.FailPerFeature)
        {
            checks.AddRange(results.Select(r => DriftCheck($"drift:{r.Column}", r)));
        }

        checks.Add(new CheckResult("drift:dataset", "drift", !dataset.Drifted, share, spec.DriftShare,
            string.Create(CultureInfo.InvariantCulture, $"{drifted} of {results.Count} features drifted ({share:P0}); the dataset counts as drifted at {spec.DriftShare:P0}")
            + (drifted > 0 ? ": " + string.Join(", ", results.Where(r => r.Drifted).Select(r => r.Column)) : string.Empty)));
        ColumnDriftResult? prediction = null;
        if (spec.Prediction)
        {
            var output = reference.Schema.Columns.FirstOrDefault(c => c.Name == ProfileColumns.Score)
                ?? reference.Schema.Columns.FirstOrDefault(c => c.Name == ProfileColumns.Label);
            if (output is not null && current.Columns.TryGetValue(output.Name, out var profile) && profile.Count > 0)
            {
                prediction = testColumn(profile, Options(spec, output.Name));
                checks.Add(DriftCheck("drift:prediction", prediction));
            }
        }

        return new DriftSection(dataset, prediction);
    }

    private static DriftTestOptions Options(DriftCheckSpec spec, string column)
    {
        var own = spec.Columns is not null && spec.Columns.TryGetValue(column, out var c) ? c : null;
        return new DriftTestOptions
        {
            Method = DriftMethods.Parse(own?.Method ?? spec.Method, $"drift.columns.{column}.method"),
            Threshold = own?.Threshold ?? spec.Threshold,
        };
    }

    private static CheckResult DriftCheck(string key, ColumnDriftResult result)
    {
        var isPValue = result.PValue is not null;
        var value = result.PValue ?? result.Score;
        var comparison = isPValue
            ? (result.Drifted ? "<" : "≥")
            : (result.Drifted ? "≥" : "<");
        var verdict = result.Drifted ? "drifted" : "is stable";
        var message = string.Create(CultureInfo.InvariantCulture,
            $"{result.Column} {verdict}: {DriftMethods.Describe(result.Method)} {Format(value)} {comparison} {Format(result.Threshold)} ({DriftAccuracy.Describe(result)})");
        return new CheckResult(key, "drift", !result.Drifted, value, result.Threshold, message);
    }

    /// <summary>A number for messages: 3 significant digits, or scientific when tiny.</summary>
    public static string Format(double value) =>
        value != 0 && Math.Abs(value) < 1e-3 ? value.ToString("0.##e+0", CultureInfo.InvariantCulture) : value.ToString("0.###", CultureInfo.InvariantCulture);
}
