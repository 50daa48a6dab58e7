using System.Globalization;
using System.Text.Json;
using Ferry.Cli.Tests.Infrastructure;
using Ferry.Client;
using Parquet;

namespace Ferry.Cli.Tests;

/// <summary><c>ferry predictions export</c> against a real server process, on predictions a real model served.</summary>
[Collection(SharedServerDefinition.Name)]
public sealed class PredictionsExportCommandTests(SharedServerFixture fixture)
{
    private FerryServerProcess Server => fixture.Server;

    [Fact]
    public async Task PredictionsExport_ServedWindow_WritesTheParquetFile_RefusesToOverwriteWithoutForce()
    {
        using var files = new TempDirectory("export");
        var model = $"cli-ex-{Guid.NewGuid():N}"[..20];
        var endpoint = $"cli-ex-ep-{Guid.NewGuid():N}"[..22];
        CliAssert.Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "register", Ferry.Testing.TestDataFiles.Find("credit_pipeline.onnx"), "--name", model));
        CliAssert.Succeeded(await Server.RunAsync(fixture.AdminToken, "deploy", endpoint, "--model", model, "--version", "1"));
        using var client = new FerryClient(Server.Url, fixture.AdminToken);
        var served = await client.Predictions.PredictAsync(endpoint, [Record(31, 42_000), Record(45, 61_500), Record(52, 38_000)]);
        // Feedback waits until the rows are in the log, so the export sees them.
        Assert.Equal(2, await client.Predictions.SendFeedbackAsync(endpoint, [new(served[0].Id, "1"), new(served[2].Id, "0")]));
        var last = served.Max(p => Timestamp(p.Id));
        var from = Iso(DateTimeOffset.FromUnixTimeMilliseconds(last).AddHours(-1));
        var to = Iso(DateTimeOffset.FromUnixTimeMilliseconds(last + 1));
        var output = files.Combine("window.parquet");

        var exported = await Server.RunAsync(fixture.AdminToken, "predictions", "export", "--endpoint", endpoint, "--from", from, "--to", to,
            "--output", output, "--format", "json");

        CliAssert.Succeeded(exported);
        using var summary = JsonDocument.Parse(exported.Stdout);
        Assert.Equal(3, summary.RootElement.GetProperty("rows").GetInt64());
        Assert.Equal(new FileInfo(output).Length, summary.RootElement.GetProperty("bytes").GetInt64());
        Assert.Equal(Path.GetFullPath(output), summary.RootElement.GetProperty("path").GetString());
        var bytes = await File.ReadAllBytesAsync(output);
        await using (var stream = new MemoryStream(bytes))
        await using (var reader = await ParquetReader.CreateAsync(stream, null, false, default))
        {
            var fields = reader.Schema.GetDataFields();
            Assert.Equal(["prediction_id", "timestamp", "model_name", "model_version", "latency_micros"], fields.Take(5).Select(f => f.Name));
            Assert.Contains("purpose", fields.Select(f => f.Name));
            using var group = reader.OpenRowGroupReader(0);
            Assert.Equal(3, group.RowCount);
            var ids = new string?[3];
            await group.ReadAsync(fields[0], ids.AsMemory(), null, default);
            Assert.Equal(served.Select(p => p.Id).Order(), ids.Order());
            var feedback = new string?[3];
            await group.ReadAsync(fields.Single(f => f.Name == "feedback_label"), feedback.AsMemory(), null, default);
            Assert.Equal(["1", null, "0"], served.Select(p => feedback[Array.IndexOf(ids, p.Id)]));
        }

        // An existing file is kept unless --force.
        var again = await Server.RunAsync(fixture.AdminToken, "predictions", "export", "--endpoint", endpoint, "--from", from, "--to", to, "--output", output);
        CliAssert.FailedWithOneLine(again, ExitCodes.InvalidArguments, "--force");
        Assert.Equal(bytes, await File.ReadAllBytesAsync(output));
        var forced = await Server.RunAsync(fixture.AdminToken, "predictions", "export", "--endpoint", endpoint, "--from", from, "--to", from,
            "--output", output, "--force");
        CliAssert.Succeeded(forced);
        Assert.Contains("Exported 0 predictions", forced.Stdout, StringComparison.Ordinal);

        var missing = await Server.RunAsync(fixture.AdminToken, "predictions", "export", "--endpoint", "no-such-endpoint", "--from", from, "--to", to,
            "--output", files.Combine("none.parquet"));
        CliAssert.FailedWithOneLine(missing, ExitCodes.NotFound, "no-such-endpoint");
        Assert.False(File.Exists(files.Combine("none.parquet")));
    }

    private static Dictionary<string, object?> Record(int age, double income) => new()
    {
        ["age"] = (double)age,
        ["income"] = income,
        ["open_accounts"] = 3L,
        ["purpose"] = "car",
    };

    /// <summary>The unix ms a version-7 prediction id carries in its first 48 bits.</summary>
    private static long Timestamp(string id) => long.Parse(id.Replace("-", string.Empty, StringComparison.Ordinal)[..12], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static string Iso(DateTimeOffset time) => time.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
