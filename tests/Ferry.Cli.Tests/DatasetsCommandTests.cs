using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Ferry.Cli.Tests.Infrastructure;
using Ferry.Client;
using Parquet;

namespace Ferry.Cli.Tests;

/// <summary><c>ferry datasets build|list|show</c> against a real server process, on predictions a real model served.</summary>
[Collection(SharedServerDefinition.Name)]
public sealed class DatasetsCommandTests(SharedServerFixture fixture)
{
    private FerryServerProcess Server => fixture.Server;

    [Fact]
    public async Task DatasetsBuild_ServedAndLabelledRows_DownloadsTheFile_WhoseDigestIsTheDatasets_AndListAndShowFindIt()
    {
        using var files = new TempDirectory("datasets");
        var model = $"cli-ds-{Guid.NewGuid():N}"[..20];
        var endpoint = $"cli-ds-ep-{Guid.NewGuid():N}"[..22];
        CliAssert.Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "register", Ferry.Testing.TestDataFiles.Find("credit_pipeline.onnx"), "--name", model));
        CliAssert.Succeeded(await Server.RunAsync(fixture.AdminToken, "deploy", endpoint, "--model", model, "--version", "1"));
        using var client = new FerryClient(Server.Url, fixture.AdminToken);
        var served = await client.Predictions.PredictAsync(endpoint, [Record(31, 42_000), Record(45, 61_500), Record(52, 38_000), Record(29, 90_000)]);
        // Feedback waits until the rows are in the log, so the build sees them.
        Assert.Equal(3, await client.Predictions.SendFeedbackAsync(endpoint, [new(served[0].Id, "1"), new(served[1].Id, "0"), new(served[2].Id, "1")]));
        var last = served.Max(p => Timestamp(p.Id));
        var from = Iso(DateTimeOffset.FromUnixTimeMilliseconds(last).AddHours(-1));
        var to = Iso(DateTimeOffset.FromUnixTimeMilliseconds(last + 1));
        var download = files.Combine("train.parquet");

        var built = await Server.RunAsync(fixture.AdminToken, "datasets", "build", "--endpoint", endpoint, "--from", from, "--to", to,
            "--label-delay-max", "90d", "--holdout", "0", "--name", endpoint + "-set", "--download", download, "--output", "json");

        CliAssert.Succeeded(built);
        using var view = JsonDocument.Parse(built.Stdout);
        var root = view.RootElement;
        Assert.Equal(endpoint + "-set", root.GetProperty("name").GetString());
        Assert.Equal(4, root.GetProperty("rows").GetInt64());
        Assert.Equal(3, root.GetProperty("labelledRows").GetInt64());
        Assert.Equal(90L * 86_400_000, root.GetProperty("labelDelayMaxMs").GetInt64());
        Assert.Equal(4, root.GetProperty("versions").GetProperty($"{model}/1").GetInt64());
        var bytes = await File.ReadAllBytesAsync(download);
        Assert.Equal(root.GetProperty("digest").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
        await using (var stream = new MemoryStream(bytes))
        await using (var reader = await ParquetReader.CreateAsync(stream, null, false, default))
        {
            var names = reader.Schema.GetDataFields().Select(f => f.Name).ToList();
            Assert.Equal(["prediction_id", "predicted_at", "model_name", "model_version"], names.Take(4));
            Assert.Contains("purpose", names);
            Assert.Equal(["score", "label", "label_received_at", "source"], names.TakeLast(4));
            using var group = reader.OpenRowGroupReader(0);
            Assert.Equal(4, group.RowCount);
        }

        var list = await Server.RunAsync(fixture.AdminToken, "datasets", "list", "--endpoint", endpoint);
        CliAssert.Succeeded(list);
        Assert.Contains(endpoint + "-set", list.Stdout, StringComparison.Ordinal);
        var shown = await Server.RunAsync(fixture.AdminToken, "datasets", "show", endpoint + "-set");
        CliAssert.Succeeded(shown);
        Assert.Contains(root.GetProperty("digest").GetString()!, shown.Stdout, StringComparison.Ordinal);
        Assert.Contains("75.0 %", shown.Stdout, StringComparison.Ordinal);

        var backwards = await Server.RunAsync(fixture.AdminToken, "datasets", "build", "--endpoint", endpoint, "--from", to, "--to", from);
        CliAssert.FailedWithOneLine(backwards, ExitCodes.InvalidArguments, "from");
        var missing = await Server.RunAsync(fixture.AdminToken, "datasets", "show", "no-such-dataset");
        CliAssert.FailedWithOneLine(missing, ExitCodes.NotFound, "no-such-dataset");
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
