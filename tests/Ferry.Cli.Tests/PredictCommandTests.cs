using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using Ferry.Cli.Tests.Infrastructure;
using Ferry.Client;
using Parquet;
using Parquet.Serialization;

namespace Ferry.Cli.Tests;

/// <summary><c>ferry predict</c> against a real <c>ferry server</c> process serving credit_pipeline.onnx.</summary>
[Collection(SharedServerDefinition.Name)]
public sealed class PredictCommandTests(SharedServerFixture fixture)
{
    private static readonly string[] Purposes = ["car", "education", "home", "business"];

    private FerryServerProcess Server => fixture.Server;

    [Fact]
    public async Task Predict_ScoresCsvInOrder_WithAnswersOfSingleRowPredicts()
    {
        var endpoint = await DeployCreditAsync();
        using var files = new TempDirectory("predict");
        var rows = CreditRows(2_000, seed: 7);
        var input = WriteCsv(files.Combine("data.csv"), rows, withId: true);
        var output = files.Combine("out.csv");

        var result = await Server.RunAsync(fixture.AdminToken, "predict", endpoint, "--input", input, "--output", output,
            "--batch-size", "128", "--concurrency", "3", "--passthrough", "customer_id");
        CliAssert.Succeeded(result);
        Assert.Contains("Scored 2,000 rows", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("error", result.Stderr, StringComparison.OrdinalIgnoreCase);

        var lines = File.ReadAllLines(output);
        Assert.Equal("customer_id,age,income,open_accounts,purpose,prediction_id,model,version,label,score,p_bad,p_good", lines[0]);
        Assert.Equal(2_001, lines.Length);
        var scored = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        var model = await ModelOfAsync(endpoint);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(rows[i].Id, scored[i][0]);
            Assert.Equal(rows[i].Purpose, scored[i][4]);
            Assert.Equal(model, scored[i][6]);
            Assert.Contains(scored[i][8], new[] { "bad", "good" });
        }

        Assert.Equal(rows.Count, scored.Select(s => s[5]).Distinct().Count());

        using var client = new FerryClient(Server.Url, fixture.AdminToken);
        foreach (var i in new[] { 0, 1, 127, 128, 129, 640, 1_001, 1_500, 1_998, 1_999 })
        {
            var single = (await client.Predictions.PredictAsync(endpoint, [rows[i].Record()]))[0];
            Assert.Equal(single.Label, scored[i][8]);
            Assert.Equal(single.Probabilities!["bad"]!.Value, Parse(scored[i][10]), 1e-6);
            Assert.Equal(single.Probabilities!["good"]!.Value, Parse(scored[i][11]), 1e-6);
        }
    }

    [Fact]
    public async Task Predict_WritesToStdout_WithoutOutput()
    {
        var endpoint = await DeployCreditAsync();
        using var files = new TempDirectory("predict");
        var rows = CreditRows(25, seed: 11);
        var input = WriteCsv(files.Combine("small.csv"), rows, withId: false);

        var result = await Server.RunAsync(fixture.AdminToken, "predict", endpoint, "--input", input, "--batch-size", "10");
        CliAssert.Succeeded(result);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(26, lines.Length);
        Assert.StartsWith("age,income,open_accounts,purpose,prediction_id,", lines[0], StringComparison.Ordinal);
        Assert.Equal(rows[24].Age.ToString(CultureInfo.InvariantCulture), lines[25].Split(',')[0]);
    }

    [Fact]
    public async Task Predict_ScoresParquetFile_ReadByRowGroup()
    {
        var endpoint = await DeployCreditAsync();
        using var files = new TempDirectory("predict");
        var rows = CreditRows(700, seed: 3);
        var input = files.Combine("data.parquet");
        await ParquetSerializer.SerializeAsync(rows.Select(r => new ParquetRow
        {
            Age = r.Age,
            Income = (float)r.Income,
            OpenAccounts = r.OpenAccounts,
            Purpose = r.Purpose,
        }), input, new ParquetOptions { RowGroupSize = 256 });
        var output = files.Combine("out.csv");

        CliAssert.Succeeded(await Server.RunAsync(fixture.AdminToken, "predict", endpoint, "--input", input, "--output", output, "--batch-size", "100"));

        var lines = File.ReadAllLines(output);
        Assert.Equal(701, lines.Length);
        Assert.StartsWith("age,income,open_accounts,purpose,prediction_id,", lines[0], StringComparison.Ordinal);
        using var client = new FerryClient(Server.Url, fixture.AdminToken);
        foreach (var i in new[] { 0, 255, 256, 699 })
        {
            var fields = lines[i + 1].Split(',');
            Assert.Equal(rows[i].OpenAccounts.ToString(CultureInfo.InvariantCulture), fields[2]);
            Assert.Equal(rows[i].Purpose, fields[3]);
            Assert.Equal((await client.Predictions.PredictAsync(endpoint, [rows[i].Record()]))[0].Label, fields[7]);
        }
    }

    [Fact]
    public async Task RejectedCell_StopsWithItsRowAndField_AfterWritingTheRowsBeforeIt()
    {
        var endpoint = await DeployCreditAsync();
        using var files = new TempDirectory("predict");
        var rows = CreditRows(1_000, seed: 5);
        var input = WriteCsv(files.Combine("bad.csv"), rows, withId: false, badIncomeAtRow: 650);
        var output = files.Combine("out.csv");

        var result = await Server.RunAsync(fixture.AdminToken, "predict", endpoint, "--input", input, "--output", output,
            "--batch-size", "100", "--concurrency", "2");

        CliAssert.FailedWithOneLine(result, ExitCodes.InvalidArguments, "row 650", "'income'", "lots");
        // Batches 1-6 (rows 1-600) were answered before the rejected one and stay written; nothing after it is.
        var lines = File.ReadAllLines(output);
        Assert.Equal(601, lines.Length);
        Assert.Equal(rows[599].Purpose, lines[600].Split(',')[3]);
    }

    [Fact]
    public async Task MalformedInputAndBadOptions_Exit2()
    {
        var endpoint = await DeployCreditAsync();
        using var files = new TempDirectory("predict");
        var ragged = files.Combine("ragged.csv");
        File.WriteAllText(ragged, "age,income,open_accounts,purpose\n30,1000,2,car\n31,1000,car\n");

        CliAssert.FailedWithOneLine(await Server.RunAsync(fixture.AdminToken, "predict", endpoint, "--input", ragged), ExitCodes.InvalidArguments, "row 2");
        CliAssert.FailedWithOneLine(await Server.RunAsync(fixture.AdminToken, "predict", endpoint, "--input", files.Combine("missing.csv")),
            ExitCodes.InvalidArguments, "no such file");
        var text = files.Combine("data.txt");
        File.WriteAllText(text, "age\n1\n");
        CliAssert.FailedWithOneLine(await Server.RunAsync(fixture.AdminToken, "predict", endpoint, "--input", text), ExitCodes.InvalidArguments, ".parquet");
        CliAssert.FailedWithOneLine(await Server.RunAsync(fixture.AdminToken, "predict", endpoint, "--input", ragged, "--batch-size", "0"),
            ExitCodes.InvalidArguments, "--batch-size");
    }

    [Fact]
    public async Task UnknownEndpoint_Exits4()
    {
        using var files = new TempDirectory("predict");
        var input = WriteCsv(files.Combine("data.csv"), CreditRows(3, seed: 1), withId: false);

        CliAssert.FailedWithOneLine(await Server.RunAsync(fixture.AdminToken, "predict", Unique("no-such-ep"), "--input", input),
            ExitCodes.NotFound, "no endpoint");
    }

    private async Task<string> DeployCreditAsync()
    {
        var model = Unique("cli-credit");
        var endpoint = Unique("cli-predict");
        CliAssert.Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "register", Ferry.Testing.TestDataFiles.Find("credit_pipeline.onnx"), "--name", model));
        CliAssert.Succeeded(await Server.RunAsync(fixture.AdminToken, "deploy", endpoint, "--model", model, "--version", "1"));
        return endpoint;
    }

    private async Task<string> ModelOfAsync(string endpoint)
    {
        using var client = new FerryClient(Server.Url, fixture.AdminToken);
        return (await client.Endpoints.GetAsync(endpoint)).Routes[0].Model;
    }

    private static List<CreditRow> CreditRows(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(i => new CreditRow(
            $"c{i:D5}",
            random.Next(21, 70),
            // Whole-looking incomes and fractional ones: both are numbers to the model's float input.
            i % 3 == 0 ? random.Next(80, 1_200) * 100 : Math.Round(random.Next(8_000, 120_000) + (random.Next(1, 10) / 4.0), 2),
            random.Next(0, 13),
            Purposes[random.Next(Purposes.Length)]))];
    }

    private static string WriteCsv(string path, IReadOnlyList<CreditRow> rows, bool withId, int badIncomeAtRow = 0)
    {
        var csv = new StringBuilder(withId ? "customer_id,age,income,open_accounts,purpose\n" : "age,income,open_accounts,purpose\n");
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var income = i + 1 == badIncomeAtRow ? "lots" : row.Income.ToString(CultureInfo.InvariantCulture);
            csv.Append(CultureInfo.InvariantCulture, $"{(withId ? row.Id + "," : string.Empty)}{row.Age},{income},{row.OpenAccounts},{row.Purpose}\n");
        }

        File.WriteAllText(path, csv.ToString());
        return path;
    }

    private static double Parse(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private sealed record CreditRow(string Id, int Age, double Income, int OpenAccounts, string Purpose)
    {
        public Dictionary<string, object?> Record() => new()
        {
            ["age"] = (double)Age,
            ["income"] = Income,
            ["open_accounts"] = (long)OpenAccounts,
            ["purpose"] = Purpose,
        };
    }

    private sealed class ParquetRow
    {
        [JsonPropertyName("age")]
        public int Age { get; set; }

        [JsonPropertyName("income")]
        public float Income { get; set; }

        [JsonPropertyName("open_accounts")]
        public long OpenAccounts { get; set; }

        [JsonPropertyName("purpose")]
        public string Purpose { get; set; } = string.Empty;
    }
}
