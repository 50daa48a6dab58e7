using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Core.Monitoring;
using Ferry.Core.Serving;
using Ferry.Server.Monitoring;
using Ferry.Server.Monitoring.Reports;
using Ferry.Statistics;
using Ferry.Statistics.Profiles;
using Ferry.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Ferry.Server.Tests.Monitoring;

/// <summary>
/// Monitors compute drift exactly from the window's logged rows against the full reference columns (scipy's numbers,
/// from Scipy/make_monitor_case.py), and from profiles, marked approximate with error bounds that hold the exact
/// values, above <c>Ferry:Monitoring:ExactRowLimit</c>; on SQLite and PostgreSQL.
/// </summary>
public abstract class MonitorExactDriftTests(DatabaseKind kind)
{
    private const string Endpoint = "scoring";
    private const string Model = "credit";
    private const int Version = 3;
    private static readonly string[] Categorical = ["c", "s", "z"];

    [SkippableFact]
    public async Task Run_WindowUnderTheRowLimit_ReportsScipysStatisticsExactly()
    {
        var case_ = Case.Load();
        await using var server = await StartAsync(limit: 1_000_000);
        var json = await RunAsync(server, case_);
        var report = JsonNode.Parse(json)!;

        var drift = report["drift"]!;
        Assert.Equal("exact", drift["statistics"]!.GetValue<string>());
        Assert.Equal(case_.CurrentRows, drift["exactRows"]!.GetValue<long>());
        var columns = Columns(drift);
        Assert.Equal(case_.Expected.Count, columns.Count);
        foreach (var (name, expected) in case_.Expected)
        {
            var actual = columns[name];
            Assert.True(actual["exact"]!.GetValue<bool>(), name);
            Assert.Equal(expected.Method, actual["method"]!.GetValue<string>());
            AssertClose(expected.Score, actual["score"]!.GetValue<double>(), name);
            if (expected.PValue is { } p)
            {
                AssertClose(p, actual["pValue"]!.GetValue<double>(), name + " p-value");
            }

            Assert.Null(actual["errorBound"]);
        }

        var check = report["checks"]!.AsArray().Single(c => c!["key"]!.GetValue<string>() == "drift:x")!;
        Assert.EndsWith("(exact)", check["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var html = ReportHtml.Render("window", JsonSerializer.Deserialize(json, MonitoringJsonContext.Default.MonitorReportBody)!, server.Clock.GetUtcNow());
        Assert.Contains($"Drift statistics: exact, computed from the raw values ({case_.CurrentRows:N0} logged rows", html, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Run_WindowOverTheRowLimit_IsApproximateWithBoundsHoldingScipysValues()
    {
        var case_ = Case.Load();
        await using var server = await StartAsync(limit: 100);
        var json = await RunAsync(server, case_);
        var report = JsonNode.Parse(json)!;

        var drift = report["drift"]!;
        Assert.Equal("approximate", drift["statistics"]!.GetValue<string>());
        Assert.Contains("ExactRowLimit (100)", drift["note"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(drift["exactRows"]);
        var columns = Columns(drift);
        foreach (var name in new[] { "x", "prediction.score" })
        {
            var ks = columns[name];
            Assert.False(ks["exact"]!.GetValue<bool>());
            Assert.Equal("KolmogorovSmirnov", ks["method"]!.GetValue<string>());
            var bound = ks["errorBound"]!;
            var truth = case_.Expected[name];
            Assert.InRange(truth.Score, bound["scoreLow"]!.GetValue<double>() - 1e-12, bound["scoreHigh"]!.GetValue<double>() + 1e-12);
            Assert.InRange(truth.PValue!.Value, bound["pValueLow"]!.GetValue<double>() * (1 - 1e-9), bound["pValueHigh"]!.GetValue<double>() * (1 + 1e-9));
            Assert.Equal(ks["score"]!.GetValue<double>(), bound["scoreLow"]!.GetValue<double>(), 12);
            Assert.True(bound["scoreHigh"]!.GetValue<double>() - bound["scoreLow"]!.GetValue<double>() < 0.05, bound.ToJsonString()); // informative, not [0, 1]
            Assert.Contains("rank error on D", bound["basis"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        var check = report["checks"]!.AsArray().Single(c => c!["key"]!.GetValue<string>() == "drift:x")!;
        Assert.Contains("(approximate: exact D in [", check["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var html = ReportHtml.Render("window", JsonSerializer.Deserialize(json, MonitoringJsonContext.Default.MonitorReportBody)!, server.Clock.GetUtcNow());
        Assert.Contains("Drift statistics: approximate, computed from profiles", html, StringComparison.Ordinal);

        var w = columns["w"]["errorBound"]!;
        Assert.InRange(case_.Expected["w"].Score, w["scoreLow"]!.GetValue<double>(), w["scoreHigh"]!.GetValue<double>());

        // Binned and categorical statistics on exact counts: the bound is the exact value itself.
        foreach (var name in new[] { "p", "j", "c", "s", "z" })
        {
            var bound = columns[name]["errorBound"]!;
            AssertClose(case_.Expected[name].Score, bound["scoreLow"]!.GetValue<double>(), name);
            AssertClose(case_.Expected[name].Score, bound["scoreHigh"]!.GetValue<double>(), name);
        }
    }

    private static Dictionary<string, JsonNode> Columns(JsonNode drift)
    {
        var columns = drift["features"]!["columns"]!.AsArray().ToDictionary(c => c!["column"]!.GetValue<string>(), c => c!);
        columns[ProfileColumns.Score] = drift["prediction"]!;
        return columns;
    }

    private static void AssertClose(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected:R}, got {actual:R}");

    private async Task<FerryTestServer> StartAsync(int limit)
    {
        DatabaseRequirement.EnsureAvailable(kind);
        return await FerryTestServer.StartAsync(kind, clock: new TestClock(), services: s => s.Configure<MonitoringOptions>(o => o.ExactRowLimit = limit));
    }

    /// <summary>Stores the reference (profile and full columns), the window's profile and logged rows, and runs a monitor over them.</summary>
    private async Task<string> RunAsync(FerryTestServer server, Case case_)
    {
        var now = server.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var bucket = (now - 3_600_000) / 3_600_000 * 3_600_000;
        await using var scope = server.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;

        var referenceColumns = case_.Reference.Select(c => Values(c.Key, c.Value)).ToList();
        var profile = ReferenceProfile.Build([.. referenceColumns.Select(c => c.IsNumeric
            ? new ReferenceColumnData(c.Name, ColumnKind.Numeric, c.Numbers, null)
            : new ReferenceColumnData(c.Name, ColumnKind.Categorical, null, c.Categories))]);
        await services.GetRequiredService<IReferenceProfileStore>().SetReferenceAsync(new ReferenceProfileEntry
        {
            ModelName = Model,
            ModelVersion = Version,
            Rows = case_.ReferenceRows,
            Source = "make_monitor_case.py",
            ProfileJson = JsonSerializer.Serialize(profile, StatisticsJsonContext.Default.ReferenceProfile),
        }, "test");
        await services.GetRequiredService<IReferenceColumnStore>().SaveAsync(Model, Version, referenceColumns);

        var window = DatasetProfile.Empty(profile.Schema);
        var records = new PredictionRecord[case_.CurrentRows];
        for (var i = 0; i < records.Length; i++)
        {
            var inputs = new JsonObject();
            foreach (var (name, values) in case_.Current)
            {
                var value = values[i];
                if (name != ProfileColumns.Score)
                {
                    inputs[name] = value?.DeepClone();
                }

                if (Categorical.Contains(name))
                {
                    window.Columns[name].AddCategory(value?.GetValue<string>());
                }
                else
                {
                    window.Columns[name].AddNumber(value?.GetValue<double>() ?? double.NaN);
                }
            }

            var score = case_.Current[ProfileColumns.Score][i]!.GetValue<double>();
            records[i] = new PredictionRecord
            {
                Id = Guid.CreateVersion7(),
                EndpointName = Endpoint,
                ModelName = Model,
                ModelVersion = Version,
                Timestamp = bucket + 1_800_000 + i,
                InputsJson = inputs.ToJsonString(),
                OutputsJson = new JsonObject { ["label"] = score >= 0.3 ? "bad" : "good", ["score"] = score, ["probabilities"] = new JsonObject { ["bad"] = score, ["good"] = 1 - score } }.ToJsonString(),
            };
        }

        window.AddRowCount(records.Length);
        await services.GetRequiredService<IProfileBucketStore>().UpsertAsync("test", [new ProfileDelta(Endpoint, Model, Version, bucket, 3_600_000, window)]);
        await services.GetRequiredService<IPredictionStore>().InsertBatchAsync(records, skipExisting: false);
        var monitor = "exact-" + kind;
        await services.GetRequiredService<IMonitorStore>().SaveMonitorAsync(monitor, Endpoint,
            """{"windowSeconds": 3600, "minRows": 10, "quality": null, "drift": {"columns": {"w": {"method": "wasserstein"}, "p": {"method": "psi"}, "j": {"method": "jensenshannon"}, "c": {"method": "chisquare"}}}}""",
            "test");

        var report = await services.GetRequiredService<MonitorRunner>().RunAsync(monitor, null, "manual", "test");
        return report.ReportJson;
    }

    private static ReferenceColumnValues Values(string name, JsonArray values) => Categorical.Contains(name)
        ? new ReferenceColumnValues(name, null, [.. values.Select(v => v?.GetValue<string>())])
        : new ReferenceColumnValues(name, [.. values.Select(v => v?.GetValue<double>() ?? double.NaN)], null);

    private sealed record Expected(string Method, double Score, double? PValue);

    private sealed record Case(Dictionary<string, JsonArray> Reference, Dictionary<string, JsonArray> Current, Dictionary<string, Expected> Expected)
    {
        public int ReferenceRows => Reference["x"].Count;

        public int CurrentRows => Current["x"].Count;

        public static Case Load()
        {
            var root = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Monitoring", "Scipy", "monitor_exact_case.json")))!;
            static Dictionary<string, JsonArray> Table(JsonNode node) => node.AsObject().ToDictionary(p => p.Key, p => p.Value!.AsArray());
            var expected = root["expected"]!.AsObject().ToDictionary(
                p => p.Key,
                p => new Expected(p.Value!["method"]!.GetValue<string>(), p.Value["score"]!.GetValue<double>(), p.Value["pValue"]?.GetValue<double>()));
            return new Case(Table(root["reference"]!), Table(root["current"]!), expected);
        }
    }
}

public sealed class SqliteMonitorExactDriftTests() : MonitorExactDriftTests(DatabaseKind.Sqlite);

public sealed class PostgresMonitorExactDriftTests() : MonitorExactDriftTests(DatabaseKind.PostgreSql);
