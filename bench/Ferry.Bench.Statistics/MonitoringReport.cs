using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Ferry.Statistics.Drift;
using Ferry.Statistics.Profiles;

namespace Ferry.Bench.Statistics;

/// <summary>
/// The Ferry side of bench/monitoring/run.sh. Parses both CSVs (not timed), then times
/// ingestion: building the reference profile, and folding every current row into 24 hourly profiles row by row as the
/// server does (median of 3 folds); and the report: merging the 24 hourly profiles and running DriftDetector.Test
/// (median of REPEATS), once with automatic methods and once with Kolmogorov–Smirnov / chi-square forced.
/// Prints one JSON object.
/// </summary>
internal static class MonitoringReport
{
    private const int Buckets = 24;

    public static int Run(string[] args)
    {
        if (args.Length is < 2 or > 3)
        {
            Console.Error.WriteLine("usage: Ferry.Bench.Statistics report REFERENCE.csv CURRENT.csv [REPEATS]");
            return 2;
        }

        var repeats = args.Length == 3 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;
        var parse = Stopwatch.StartNew();
        var referenceColumns = CsvColumns.Read(args[0]);
        var currentColumns = CsvColumns.Read(args[1]);
        parse.Stop();
        var rows = Length(currentColumns[0]);

        var build = Stopwatch.StartNew();
        var reference = ReferenceProfile.Build(referenceColumns);
        build.Stop();

        var foldSeconds = new List<double>();
        DatasetProfile[] hours = [];
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var fold = Stopwatch.StartNew();
            hours = FoldRowByRow(reference.Schema, currentColumns, rows);
            fold.Stop();
            foldSeconds.Add(fold.Elapsed.TotalSeconds);
        }

        var automatic = new DriftOptions();
        var forced = new DriftOptions
        {
            PerColumn = reference.Schema.Columns.ToDictionary(
                c => c.Name,
                c => new DriftTestOptions { Method = c.Kind == ColumnKind.Numeric ? DriftMethod.KolmogorovSmirnov : DriftMethod.ChiSquare }),
        };
        var (autoSeconds, autoResult) = TimeReport(reference, hours, automatic, repeats);
        var (forcedSeconds, forcedResult) = TimeReport(reference, hours, forced, repeats);

        var foldMedian = Median(foldSeconds);
        using var output = Console.OpenStandardOutput();
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false });
        json.WriteStartObject();
        json.WriteNumber("rows", rows);
        json.WriteNumber("columns", currentColumns.Length);
        json.WriteNumber("reference_rows", Length(referenceColumns[0]));
        json.WriteNumber("parse_s", parse.Elapsed.TotalSeconds);
        json.WriteNumber("build_reference_s", build.Elapsed.TotalSeconds);
        json.WriteNumber("fold_s", foldMedian);
        json.WriteNumber("ns_per_value", foldMedian * 1e9 / ((double)rows * currentColumns.Length));
        json.WriteNumber("report_auto_s", autoSeconds);
        json.WriteNumber("report_ks_chi_s", forcedSeconds);
        WriteScores(json, "auto", autoResult);
        WriteScores(json, "ks_chi", forcedResult);
        json.WriteEndObject();
        json.Flush();
        Console.WriteLine();
        return 0;
    }

    /// <summary>Each row goes to its hour's profile, each of its cells to that profile's column, as the collector does.</summary>
    private static DatasetProfile[] FoldRowByRow(ProfileSchema schema, ReferenceColumnData[] columns, int rows)
    {
        var hours = Enumerable.Range(0, Buckets).Select(_ => DatasetProfile.Empty(schema)).ToArray();
        var targets = hours.Select(h => columns.Select(c => h.Columns[c.Name]).ToArray()).ToArray();
        for (var row = 0; row < rows; row++)
        {
            var hour = (int)((long)row * Buckets / rows);
            var profiles = targets[hour];
            for (var c = 0; c < columns.Length; c++)
            {
                if (columns[c].Kind == ColumnKind.Numeric)
                {
                    profiles[c].AddNumber(columns[c].Numbers![row]);
                }
                else
                {
                    profiles[c].AddCategory(columns[c].Categories![row]);
                }
            }

            hours[hour].AddRowCount(1);
        }

        return hours;
    }

    private static (double Seconds, DatasetDriftResult Result) TimeReport(ReferenceProfile reference, DatasetProfile[] hours, DriftOptions options, int repeats)
    {
        var seconds = new List<double>();
        DatasetDriftResult? result = null;
        for (var i = 0; i < repeats + 1; i++)
        {
            var watch = Stopwatch.StartNew();
            var merged = DatasetProfile.Merge(hours);
            result = DriftDetector.Test(reference, merged, options);
            watch.Stop();
            if (i > 0)
            {
                seconds.Add(watch.Elapsed.TotalSeconds); // the first run includes JIT compilation
            }
        }

        return (Median(seconds), result!);
    }

    private static void WriteScores(Utf8JsonWriter json, string name, DatasetDriftResult result)
    {
        json.WriteStartObject($"scores_{name}");
        foreach (var column in result.Columns)
        {
            json.WriteStartObject(column.Column);
            json.WriteString("method", column.Method.ToString());
            json.WriteNumber("score", column.Score);
            if (column.PValue is { } p)
            {
                json.WriteNumber("p", p);
            }

            json.WriteBoolean("drifted", column.Drifted);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static int Length(ReferenceColumnData column) => column.Numbers?.Length ?? column.Categories!.Length;

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
