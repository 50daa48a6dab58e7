using System.Globalization;
using System.Text;
using System.Text.Json;
using Ferry.Cli.Tests.Infrastructure;

namespace Ferry.Cli.Tests;

/// <summary><c>ferry models reference</c>, <c>ferry monitor</c>, <c>ferry alerts</c> and the offline <c>ferry drift</c> against a real server process.</summary>
[Collection(SharedServerDefinition.Name)]
public sealed class MonitorCommandTests(SharedServerFixture fixture)
{
    private static readonly string[] Purposes = ["car", "education", "home", "business"];

    private FerryServerProcess Server => fixture.Server;

    [Fact]
    public async Task ReferenceThenMonitorRun_FlagsHalvedIncome_AndOpensAnAlert()
    {
        using var files = new TempDirectory("monitor");
        var model = Unique("cli-mon");
        var endpoint = Unique("cli-mon-ep");
        var monitor = Unique("cli-monitor");
        CliAssert.Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "register", Ferry.Testing.TestDataFiles.Find("credit_pipeline.onnx"), "--name", model));
        CliAssert.Succeeded(await Server.RunAsync(fixture.AdminToken, "deploy", endpoint, "--model", model, "--version", "1"));
        var train = WriteCsv(files.Combine("train.csv"), Rows(600, seed: 1, incomeFactor: 1), withLabel: true);

        var reference = await Server.RunAsync(fixture.AdminToken, "models", "reference", model, "1", train, "--label", "outcome");
        CliAssert.Succeeded(reference);
        Assert.Contains("600 rows", reference.Stdout, StringComparison.Ordinal);
        Assert.Contains("calibrated", reference.Stdout, StringComparison.Ordinal);

        CliAssert.Succeeded(await Server.RunAsync(fixture.AdminToken, "monitor", "create", monitor, "--endpoint", endpoint, "--window", "1h"));
        var today = WriteCsv(files.Combine("today.csv"), Rows(400, seed: 2, incomeFactor: 0.5), withLabel: false);
        CliAssert.Succeeded(await Server.RunAsync(fixture.AdminToken, "predict", endpoint, "--input", today, "--output", files.Combine("scored.csv")));

        var run = await Server.RunAsync(fixture.AdminToken, "monitor", "run", monitor, "--output", "json");
        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        using var report = JsonDocument.Parse(run.Stdout);
        var checks = report.RootElement.GetProperty("report").GetProperty("checks").EnumerateArray().ToList();
        var income = checks.Single(c => c.GetProperty("key").GetString() == "drift:income");
        Assert.False(income.GetProperty("passed").GetBoolean());
        Assert.Equal(400, report.RootElement.GetProperty("report").GetProperty("rows").GetInt32());

        var show = await Server.RunAsync(fixture.AdminToken, "monitor", "show", monitor);
        CliAssert.Succeeded(show);
        Assert.Contains("drift:income", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("FAIL", show.Stdout, StringComparison.Ordinal);

        var card = files.Combine("card.html");
        CliAssert.Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "card", model, "1", "--set", "owner=Risk <team>", "--format", "html", "--file", card));
        var page = File.ReadAllText(card);
        Assert.Contains("Risk &lt;team&gt;", page, StringComparison.Ordinal);
        Assert.Contains("Feature importance", page, StringComparison.Ordinal);
        CliAssert.FailedWithOneLine(await Server.RunAsync(fixture.AdminToken, "models", "card", model, "1", "--set", "colour=blue"), ExitCodes.InvalidArguments, "colour");

        var alerts = await Server.RunAsync(fixture.AdminToken, "alerts", "--status", "open", "--output", "json");
        CliAssert.Succeeded(alerts);
        Assert.Contains(JsonDocument.Parse(alerts.Stdout).RootElement.GetProperty("alerts").EnumerateArray(),
            a => a.GetProperty("monitor").GetString() == monitor && a.GetProperty("check").GetString() == "drift:income");
    }

    [Fact]
    public async Task MonitorCreate_RefusesBadWindowAndUnknownEndpoint_InOneLine()
    {
        CliAssert.FailedWithOneLine(await Server.RunAsync(fixture.AdminToken, "monitor", "create", "m", "--endpoint", "x", "--window", "soon"),
            ExitCodes.InvalidArguments, "--window");
        var unknown = await Server.RunAsync(fixture.AdminToken, "monitor", "create", Unique("m"), "--endpoint", Unique("nowhere"));
        Assert.NotEqual(ExitCodes.Success, unknown.ExitCode);
        Assert.Contains("endpoint", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DriftOffline_WritesSelfContainedHtmlReport_AndExits1WhenDatasetDrifted()
    {
        using var files = new TempDirectory("drift");
        var reference = WriteCsv(files.Combine("reference.csv"), Rows(800, seed: 3, incomeFactor: 1), withLabel: false);
        var same = WriteCsv(files.Combine("same.csv"), Rows(800, seed: 4, incomeFactor: 1), withLabel: false);
        var shifted = WriteCsv(files.Combine("shifted.csv"), Rows(800, seed: 5, incomeFactor: 0.5, ageShift: 15, purposes: ["crypto"]), withLabel: false);
        var html = files.Combine("report.html");

        var drifted = await FerryCli.RunAsync("drift", reference, shifted, "--html", html);
        Assert.Equal(ExitCodes.Failure, drifted.ExitCode);
        Assert.Contains("dataset drift: YES", drifted.Stdout, StringComparison.Ordinal);
        var page = File.ReadAllText(html);
        Assert.Contains("<svg", page, StringComparison.Ordinal);
        Assert.Contains("income", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http", page.Replace("http-equiv", "", StringComparison.Ordinal), StringComparison.Ordinal);

        var json = await FerryCli.RunAsync("drift", reference, same, "--output", "json");
        CliAssert.Succeeded(json);
        var columns = JsonDocument.Parse(json.Stdout).RootElement.GetProperty("drift").GetProperty("features").GetProperty("columns");
        Assert.Equal(4, columns.GetArrayLength());

        using (var writer = new StreamWriter(files.Combine("narrow.csv")))
        {
            writer.Write("age,income\n30,1000\n");
        }

        CliAssert.FailedWithOneLine(await FerryCli.RunAsync("drift", reference, files.Combine("narrow.csv")), ExitCodes.InvalidArguments, "open_accounts");
    }

    [Fact]
    public async Task DriftOffline_NarrowNumericAndBinaryColumns_ReportsScipyStatisticsMarkedExact()
    {
        // 700 … 799.5 in steps of 0.5 lies within a few 1 % sketch buckets; the statistics must come from the raw values.
        using var files = new TempDirectory("drift-exact");
        var reference = files.Combine("reference.csv");
        var current = files.Combine("current.csv");
        File.WriteAllText(reference, "level,flag\n" + string.Concat(Enumerable.Range(0, 200).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"{700 + (i * 37 % 200 * 0.5)},{(i % 3 == 0 ? "yes" : "no")}\n"))));
        File.WriteAllText(current, "level,flag\n" + string.Concat(Enumerable.Range(0, 180).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"{705 + (i * 53 % 180 * 0.5)},{(i % 2 == 0 ? "yes" : "no")}\n"))));

        var run = await FerryCli.RunAsync("drift", reference, current, "--output", "json");
        var level = Column(run.Stdout, "level");
        Assert.True(level.GetProperty("exact").GetBoolean());
        // scipy.stats.ks_2samp(reference, current): D = 0.05, p = 0.9600753234617104 (exact method).
        Assert.Equal(0.05, level.GetProperty("score").GetDouble(), 1e-12);
        Assert.Equal(0.9600753234617104, level.GetProperty("pValue").GetDouble(), 1e-12);

        var chi = await FerryCli.RunAsync("drift", reference, current, "--output", "json", "--method", "chisquare");
        var flag = Column(chi.Stdout, "flag");
        Assert.True(flag.GetProperty("exact").GetBoolean());
        // scipy.stats.chi2_contingency([[133, 67], [90, 90]]) with Yates's correction.
        Assert.Equal(9.968097328141319, flag.GetProperty("score").GetDouble(), 1e-9);
        Assert.Equal(0.001592760036087962, flag.GetProperty("pValue").GetDouble(), 1e-14);
    }

    private static JsonElement Column(string json, string name) =>
        JsonDocument.Parse(json).RootElement.GetProperty("drift").GetProperty("features").GetProperty("columns")
            .EnumerateArray().Single(c => c.GetProperty("column").GetString() == name).Clone();

    private static List<(int Age, double Income, int Accounts, string Purpose, string Outcome)> Rows(int count, int seed, double incomeFactor, int ageShift = 0, string[]? purposes = null)
    {
        var random = new Random(seed);
        var choices = purposes ?? Purposes;
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var income = Math.Round(random.Next(8_000, 120_000) * incomeFactor, 2);
            return (random.Next(21, 70) + ageShift, income, random.Next(0, 13), choices[random.Next(choices.Length)], random.NextDouble() < 0.3 ? "bad" : "good");
        })];
    }

    private static string WriteCsv(string path, IReadOnlyList<(int Age, double Income, int Accounts, string Purpose, string Outcome)> rows, bool withLabel)
    {
        var csv = new StringBuilder(withLabel ? "age,income,open_accounts,purpose,outcome\n" : "age,income,open_accounts,purpose\n");
        foreach (var r in rows)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{r.Age},{r.Income},{r.Accounts},{r.Purpose}");
            csv.Append(withLabel ? "," + r.Outcome + "\n" : "\n");
        }

        File.WriteAllText(path, csv.ToString());
        return path;
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
}
