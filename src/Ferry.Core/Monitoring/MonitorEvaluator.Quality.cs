using System.Globalization;
using Ferry.Statistics.Drift;
using Ferry.Statistics.Profiles;

namespace Ferry.Core.Monitoring;

public static partial class MonitorEvaluator
{
    private static List<ColumnQuality> Quality(QualityCheckSpec spec, DatasetProfile current, HashSet<string> features, List<CheckResult> checks)
    {
        var quality = DataQuality.Summarize(current).Where(q => features.Contains(q.Column)).ToList();
        foreach (var q in quality)
        {
            // Rows counts every value seen: present + missing + invalid (refused at serving).
            if (q.Rows == 0)
            {
                continue;
            }

            var served = q.Rows - q.Invalid;
            var present = served - q.Missing;
            Limit(checks, $"quality:missing:{q.Column}", q.Missing, served, spec.MaxMissingRate, $"{q.Column}: missing in");
            Limit(checks, $"quality:invalid:{q.Column}", q.Invalid, q.Rows, spec.MaxInvalidRate, $"{q.Column}: refused for a wrong type or value in");
            var kind = current.Columns[q.Column].Kind;
            if (kind == ColumnKind.Numeric)
            {
                Limit(checks, $"quality:out_of_range:{q.Column}", q.OutOfRange, present, spec.MaxOutOfRangeRate, $"{q.Column}: outside the reference range in");
            }
            else
            {
                Limit(checks, $"quality:unseen:{q.Column}", q.UnseenCategories, present, spec.MaxUnseenCategoryRate, $"{q.Column}: categories the reference never saw in");
            }
        }

        return quality;
    }

    private static void Limit(List<CheckResult> checks, string key, long count, long of, double maxRate, string what)
    {
        if (of <= 0)
        {
            return;
        }

        var rate = count / (double)of;
        var passed = rate <= maxRate;
        checks.Add(new CheckResult(key, "quality", passed, rate, maxRate, string.Create(CultureInfo.InvariantCulture,
            $"{what} {count} of {of} rows ({rate:P1}; limit {maxRate:P1})")));
    }
}
