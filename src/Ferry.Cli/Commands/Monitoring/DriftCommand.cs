using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Ferry.Cli.Output;
using Ferry.Core.Monitoring;
using Ferry.Server.Monitoring;
using Ferry.Server.Monitoring.Reports;
using Ferry.Statistics.Drift;
using Ferry.Statistics.Profiles;

namespace Ferry.Cli.Commands.Monitoring;

/// <summary>
/// <c>ferry drift REFERENCE CURRENT</c>: the drift and data-quality report of two files (CSV or Parquet), offline, with
/// the same tests, defaults and quality checks as a monitor, but every drift statistic computed exactly from the raw
/// values (<see cref="ExactDrift"/>, as scipy computes it) rather than from profiles' sketches. Prints a table (or <c>--output json</c>) and writes a
/// self-contained HTML report with <c>--html FILE</c>. Exit code 1 when the dataset drifted.
/// </summary>
internal sealed class DriftCommand : Command
{
    private static readonly MonitoringJsonContext IndentedJson = new(new JsonSerializerOptions(MonitoringJsonContext.Default.Options) { WriteIndented = true });

    private readonly Argument<FileInfo> _reference = new("reference") { Description = "Reference data (.csv or .parquet), e.g. the training set" };
    private readonly Argument<FileInfo> _current = new("current") { Description = "Current data with the same columns" };
    private readonly Option<FileInfo?> _html = new("--html") { Description = "Also write a self-contained HTML report with per-feature charts" };
    private readonly Option<string?> _method = new("--method") { Description = "Drift method for every column: ks, chisquare, ztest, psi, jensenshannon, wasserstein (default by column type and reference size)" };
    private readonly Option<double?> _threshold = new("--threshold") { Description = "Threshold (p-value for ks/chisquare/ztest, distance otherwise)" };
    private readonly Option<string[]> _ignore = new("--ignore") { Description = "Columns to leave out (e.g. an id or the label)", AllowMultipleArgumentsPerToken = true };
    private readonly Option<string> _output = new("--output", "-o") { Description = "table or json", DefaultValueFactory = _ => "table" };

    public DriftCommand(TimeProvider clock)
        : base("drift", "Compare two datasets offline: drift per column, data quality, an optional HTML report.")
    {
        Arguments.Add(_reference);
        Arguments.Add(_current);
        foreach (var option in new Option[] { _html, _method, _threshold, _ignore, _output })
        {
            Options.Add(option);
        }

        this.SetGuardedAction(async (parseResult, cancellationToken) =>
        {
            var referenceFile = parseResult.GetValue(_reference)!;
            var currentFile = parseResult.GetValue(_current)!;
            var phases = new PhaseTimer(clock, Environment.GetEnvironmentVariable("FERRY_DRIFT_TIMINGS") == "1");
            var ignore = (parseResult.GetValue(_ignore) ?? []).ToHashSet(StringComparer.Ordinal);
            var referenceRead = Task.Run(() => TableFile.ReadAsync(referenceFile, ignore, cancellationToken), cancellationToken);
            var current = await TableFile.ReadAsync(currentFile, ignore, cancellationToken);
            var reference = await referenceRead;
            phases.End("read both files");
            var missing = reference.Columns.Keys.Where(c => !current.Columns.ContainsKey(c)).ToList();
            if (missing.Count > 0)
            {
                throw new CliException(ExitCodes.InvalidArguments, $"{currentFile.Name} lacks column(s) of {referenceFile.Name}: {string.Join(", ", missing)}");
            }

            // PSI and Jensen–Shannon only need the reference deciles and counts per bin: nothing is sorted for them.
            var method = DriftMethods.Parse(parseResult.GetValue(_method), "--method");
            var (profile, window, sorted) = Profiles(reference, current, sort: method is not (DriftMethod.Psi or DriftMethod.JensenShannon), cancellationToken);
            phases.End("sort and profile");
            var spec = new MonitorSpec
            {
                MinRows = 1,
                Drift = new DriftCheckSpec { Method = parseResult.GetValue(_method), Threshold = parseResult.GetValue(_threshold), Prediction = false },
            };
            // Every column gets the same options on the command line: test the columns in parallel up front.
            var options = new DriftTestOptions { Method = DriftMethods.Parse(spec.Drift.Method, "--method"), Threshold = spec.Drift.Threshold };
            var exact = new ColumnDriftResult?[profile.Schema.Columns.Count];
            Parallel.For(0, exact.Length, new ParallelOptions { CancellationToken = cancellationToken }, i =>
            {
                var column = window.Columns[profile.Schema.Columns[i].Name];
                exact[i] = column.Count > 0 ? ExactTest(profile, sorted, reference.Columns[column.Name], current.Columns[column.Name], column, options) : null;
            });
            phases.End("test");
            var tested = profile.Schema.Columns.Select((c, i) => (c.Name, Result: exact[i])).Where(t => t.Result is not null)
                .ToDictionary(t => t.Name, t => t.Result!, StringComparer.Ordinal);
            var body = MonitorEvaluator.Evaluate(spec, referenceFile.Name, 0, profile, window, null,
                (column, requested) => requested == options && tested.TryGetValue(column.Name, out var result)
                    ? result
                    : ExactTest(profile, sorted, reference.Columns[column.Name], current.Columns[column.Name], column, requested));
            phases.End("evaluate");
            if (parseResult.GetValue(_html) is { } html)
            {
                await File.WriteAllTextAsync(html.FullName, ReportHtml.Render($"Drift: {currentFile.Name} against {referenceFile.Name}", body, clock.GetUtcNow()), cancellationToken);
            }

            if (string.Equals(parseResult.GetValue(_output), "json", StringComparison.OrdinalIgnoreCase))
            {
                // Source-generated (the same settings as MonitorOutput.Json): reflection would spend ~25 ms more building
                // the report's serialization metadata.
                Console.Out.WriteLine(JsonSerializer.Serialize(body, IndentedJson.MonitorReportBody));
            }
            else
            {
                Write(body, reference.Rows);
                if (parseResult.GetValue(_html) is { } written)
                {
                    CliConsole.Line($"HTML report: {written.FullName}");
                }
            }

            phases.End("report");
            return body.Drift?.Features.Drifted == true ? ExitCodes.Failure : ExitCodes.Success;
        });
    }

    /// <summary>
    /// The reference profile and the window's profile, as <see cref="ReferenceProfile.Build"/> and folding every value
    /// would give them, built from each numeric column's present values sorted in place (the columns in parallel).
    /// </summary>
    private static (ReferenceProfile Profile, DatasetProfile Window, Dictionary<string, SortedPair> Sorted) Profiles(
        TableFile reference, TableFile current, bool sort, CancellationToken cancellationToken)
    {
        var names = reference.Columns.Keys.ToArray();
        var sides = new Present?[names.Length * 2];
        Parallel.For(0, sides.Length, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            var referenceNumbers = reference.Columns[names[i / 2]].Numbers;
            var numbers = i % 2 == 0 ? referenceNumbers : current.Columns[names[i / 2]].Numbers;
            if (referenceNumbers is not null && numbers is not null)
            {
                sides[i] = sort ? Present.SortInPlace(numbers) : Present.FiniteInPlace(numbers);
            }
        });
        // Each column's layout, profiles and deviation depend on that column alone: build them in parallel.
        var built = new BuiltColumn[names.Length];
        Parallel.For(0, names.Length, new ParallelOptions { CancellationToken = cancellationToken }, i =>
            built[i] = BuildColumn(names[i], reference.Columns[names[i]], current.Columns[names[i]], sides[2 * i], sides[(2 * i) + 1]));
        var layouts = new List<ColumnSchema>(names.Length);
        var referenceColumns = new Dictionary<string, ColumnProfile>(StringComparer.Ordinal);
        var windowColumns = new Dictionary<string, ColumnProfile>(StringComparer.Ordinal);
        var exactValues = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var deviations = new Dictionary<string, double>(StringComparer.Ordinal);
        var sorted = new Dictionary<string, SortedPair>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            var name = names[i];
            var column = built[i];
            layouts.Add(column.Layout);
            referenceColumns[name] = column.Reference;
            windowColumns[name] = column.Window;
            if (column.Deviation is { } deviation)
            {
                deviations[name] = deviation;
            }

            if (column.ExactValues is { } exact)
            {
                exactValues[name] = exact;
            }

            if (column.Pair is { } pair)
            {
                sorted[name] = pair;
            }
        }

        var profile = new ReferenceProfile(new ProfileSchema(layouts), new DatasetProfile(reference.Rows, referenceColumns), exactValues, deviations);
        return (profile, new DatasetProfile(current.Rows, windowColumns), sorted);
    }

    /// <summary>One column's layout and profiles (<see cref="Profiles"/>), from its present values on each side.</summary>
    private static BuiltColumn BuildColumn(string name, TableColumn reference, TableColumn current, Present? referenceSide, Present? currentSide)
    {
        if (referenceSide is { Sorted: false } finiteSide)
        {
            // Binned: finite values in file order, infinities counted.
            var layout = SortedProfiles.NumericSchemaUnsorted(name, finiteSide.Values);
            double[]? exact = null;
            if (finiteSide.Values.Length <= ReferenceProfile.ExactValueLimit)
            {
                exact = finiteSide.Values.ToArray();
                RadixSort.Sort(exact);
            }

            return new BuiltColumn(
                layout,
                SortedProfiles.NumericProfileUnsorted(layout, finiteSide.Values, finiteSide.Missing, finiteSide.Infinite),
                currentSide is null ? Folded(layout, current) : SortedProfiles.NumericProfileUnsorted(layout, currentSide.Values, currentSide.Missing, currentSide.Infinite),
                finiteSide.Values.IsEmpty ? double.NaN : Wasserstein.PopulationStandardDeviation(finiteSide.Values),
                exact,
                new SortedPair(finiteSide, currentSide));
        }

        if (referenceSide is not null)
        {
            var layout = SortedProfiles.NumericSchema(name, referenceSide.Values);
            var finite = SortedProfiles.Finite(referenceSide.Values);
            return new BuiltColumn(
                layout,
                SortedProfiles.NumericProfile(layout, referenceSide.Values, referenceSide.Missing),
                currentSide is null ? Folded(layout, current) : SortedProfiles.NumericProfile(layout, currentSide.Values, currentSide.Missing),
                finite.IsEmpty ? double.NaN : Wasserstein.PopulationStandardDeviation(finite),
                finite.Length <= ReferenceProfile.ExactValueLimit ? finite.ToArray() : null,
                new SortedPair(referenceSide, currentSide));
        }

        var categorical = ColumnSchema.Categorical(name, reference.Categories!.OfType<string>());
        return new BuiltColumn(categorical, Folded(categorical, reference), Folded(categorical, current), null, null, null);
    }

    private static ColumnProfile Folded(ColumnSchema layout, TableColumn column)
    {
        var profile = ColumnProfile.Empty(layout);
        column.FoldInto(profile);
        return profile;
    }

    private static ColumnDriftResult ExactTest(ReferenceProfile profile, Dictionary<string, SortedPair> sorted, TableColumn reference, TableColumn current, ColumnProfile column, DriftTestOptions options)
    {
        if (column.Kind == ColumnKind.Numeric)
        {
            // A numeric reference is sorted in place (or its finite values moved to the front, for PSI and
            // Jensen–Shannon); a current column that is not numeric adds no present values.
            var pair = sorted[column.Name];
            if (!pair.Reference.Sorted && options.Method is { } binned and (DriftMethod.Psi or DriftMethod.JensenShannon))
            {
                return ExactDrift.TestNumericBins(column.Name, binned, pair.Reference.Bins(profile.Profile.Columns[column.Name]),
                    pair.Current?.Bins(column) ?? new long[column.BinCounts.Length], options.Threshold);
            }

            var edges = profile.Schema.Columns.First(c => c.Name == column.Name).BinEdges;
            return ExactDrift.TestNumericSorted(column.Name, pair.Reference.Values, pair.Current is { } c ? c.Values : [], edges, options);
        }

        return ExactDrift.TestCategorical(column.Name, reference.Categories!, current.Categories ?? ExactDrift.AsCategories(current.Numbers), options);
    }

    private static void Write(MonitorReportBody body, long referenceRows)
    {
        var drift = body.Drift!.Features;
        CliConsole.Line(string.Create(CultureInfo.InvariantCulture,
            $"{drift.DriftedColumns} of {drift.Columns.Count} columns drifted ({drift.DriftShare:P0}; {referenceRows:N0} reference rows, {body.Rows:N0} current rows); dataset drift: {(drift.Drifted ? "YES" : "no")}"));
        if (drift.Columns.Count > 0 && drift.Columns.All(c => c.Exact))
        {
            CliConsole.Line("Statistics: exact, computed from the raw values (missing values left out).");
        }

        var table = TableFormat.Create("Column", "Method", "Score", "p-value", "Threshold", "Drift");
        foreach (var c in drift.Columns)
        {
            table.AddTextRow(c.Column, DriftMethods.Describe(c.Method), MonitorEvaluator.Format(c.Score),
                c.PValue is { } p ? MonitorEvaluator.Format(p) : "", MonitorEvaluator.Format(c.Threshold), c.Drifted ? "DRIFT" : "");
        }

        CliConsole.Write(table);
        var failed = body.Checks.Where(c => !c.Passed && c.Kind == "quality").ToList();
        foreach (var check in failed)
        {
            CliConsole.Line("quality: " + check.Message);
        }
    }

    /// <summary>
    /// A numeric column's present values sorted (±∞ at the ends), or its finite values in file order with the
    /// infinities counted; and how many were missing.
    /// </summary>
    private sealed class Present
    {
        private readonly double[] _array;
        private readonly int _length;

        private Present(double[] array, int length, long missing, bool sorted, long negativeInfinities, long positiveInfinities)
        {
            _array = array;
            _length = length;
            Missing = missing;
            Sorted = sorted;
            NegativeInfinities = negativeInfinities;
            PositiveInfinities = positiveInfinities;
        }

        public ReadOnlySpan<double> Values => _array.AsSpan(0, _length);

        public long Missing { get; }

        public bool Sorted { get; }

        public long NegativeInfinities { get; }

        public long PositiveInfinities { get; }

        public long Infinite => NegativeInfinities + PositiveInfinities;

        /// <summary>Moves the present values of <paramref name="numbers"/> to its front, sorted (its order is lost).</summary>
        public static Present SortInPlace(double[] numbers)
        {
            var length = 0;
            foreach (var value in numbers)
            {
                if (!double.IsNaN(value))
                {
                    numbers[length++] = value;
                }
            }

            RadixSort.Sort(numbers.AsSpan(0, length));
            return new Present(numbers, length, numbers.Length - length, sorted: true, 0, 0);
        }

        /// <summary>Moves the finite values of <paramref name="numbers"/> to its front, in order, and counts the infinities.</summary>
        public static Present FiniteInPlace(double[] numbers)
        {
            var length = 0;
            long negative = 0, positive = 0;
            foreach (var value in numbers)
            {
                if (double.IsFinite(value))
                {
                    numbers[length++] = value;
                }
                else if (double.IsNegativeInfinity(value))
                {
                    negative++;
                }
                else if (double.IsPositiveInfinity(value))
                {
                    positive++;
                }
            }

            return new Present(numbers, length, numbers.Length - length - negative - positive, sorted: false, negative, positive);
        }

        /// <summary>Counts per bin of the present values: the profile's finite ones with −∞ in the first bin and +∞ in the last.</summary>
        public long[] Bins(ColumnProfile profile)
        {
            var bins = (long[])profile.BinCounts.Clone();
            bins[0] += NegativeInfinities;
            bins[^1] += PositiveInfinities;
            return bins;
        }
    }

    private sealed record SortedPair(Present Reference, Present? Current);

    private sealed record BuiltColumn(ColumnSchema Layout, ColumnProfile Reference, ColumnProfile Window, double? Deviation, double[]? ExactValues, SortedPair? Pair);

    /// <summary>Phase timings on standard error when <c>FERRY_DRIFT_TIMINGS=1</c> (for the benchmark).</summary>
    private sealed class PhaseTimer(TimeProvider clock, bool enabled)
    {
        private long _start = clock.GetTimestamp();
        private TimeSpan _cpu = enabled ? Environment.CpuUsage.TotalTime : default;

        public void End(string phase)
        {
            if (enabled)
            {
                var cpu = Environment.CpuUsage.TotalTime;
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{phase}: {clock.GetElapsedTime(_start).TotalMilliseconds:F0} ms wall, {(cpu - _cpu).TotalMilliseconds:F0} ms CPU"));
                _start = clock.GetTimestamp();
                _cpu = cpu;
            }
        }
    }
}
