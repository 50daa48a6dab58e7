using System.Globalization;
using System.Text.Json;
using Ferry.Cli.Tests.Infrastructure;
using Ferry.Client;
using static Ferry.Cli.Tests.Infrastructure.CliAssert;

namespace Ferry.Cli.Tests;

/// <summary>
/// <c>ferry endpoints review-settings</c> and <c>ferry endpoints review</c> against a real <c>ferry server</c> process
/// serving the shared credit-scoring pipeline (../shared/models/gbc_pipeline.onnx).
/// </summary>
[Collection(SharedServerDefinition.Name)]
public sealed class ReviewCommandTests(SharedServerFixture fixture)
{
    private static readonly string[] Categorical = ["home_ownership", "loan_purpose", "employment_type"];

    private FerryServerProcess Server => fixture.Server;

    [Fact]
    public async Task ReviewSettingsThenOverride_RoundTrip_StoresTheReviewAndItsFeedback()
    {
        var model = $"cli-review-{Guid.NewGuid():N}"[..20];
        var endpoint = $"cli-rev-{Guid.NewGuid():N}"[..17];
        Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "register", SharedFile("gbc_pipeline.onnx"), "--name", model));
        Succeeded(await Server.RunAsync(fixture.AdminToken, "deploy", endpoint, "--model", model, "--version", "1"));
        using var client = new FerryClient(Server.Url, fixture.AdminToken);
        var predictions = await client.Predictions.PredictAsync(endpoint, [.. TestRows().Take(2)]);
        var id = predictions[0].Id;
        var human = predictions[0].Label == "1" ? "0" : "1";

        var settings = Json(await Server.RunAsync(fixture.AdminToken, "endpoints", "review-settings", endpoint,
            "--ground-truth", "true", "--band", "0.3", "0.7", "--override-rate-limit", "0.5", "--output", "json"));
        Assert.True(settings.GetProperty("overridesAsGroundTruth").GetBoolean());
        Assert.Equal(0.3, settings.GetProperty("reviewBandLow").GetDouble());
        Assert.Equal(0.7, settings.GetProperty("reviewBandHigh").GetDouble());
        Assert.Equal(0.5, settings.GetProperty("overrideRateLimit").GetDouble());

        // Only the option given changes; the text form says what holds.
        var text = Succeeded(await Server.RunAsync(fixture.AdminToken, "endpoints", "review-settings", endpoint, "--override-rate-limit", "0.25")).Stdout;
        Assert.Contains("overrides as ground truth on", text, StringComparison.Ordinal);
        Assert.Contains("[0.3, 0.7]", text, StringComparison.Ordinal);
        Assert.Contains("override-rate limit 0.25", text, StringComparison.Ordinal);

        var review = Json(await Server.RunAsync(fixture.AdminToken, "endpoints", "review", endpoint, id,
            "--action", "override", "--outcome", human, "--reason", "income verified", "--output", "json"));
        Assert.Equal("override", review.GetProperty("action").GetString());
        Assert.Equal(human, review.GetProperty("outcome").GetString());
        Assert.Equal(id, review.GetProperty("predictionId").GetString());

        var reviews = await client.Reviews.ListAsync(endpoint, Guid.Parse(id));
        Assert.Equal("income verified", Assert.Single(reviews).Reason);
        using var http = new HttpClient { BaseAddress = Server.Url };
        http.DefaultRequestHeaders.Authorization = new("Bearer", fixture.AdminToken);
        using var logged = JsonDocument.Parse(await http.GetStringAsync($"/api/v1/endpoints/{endpoint}/predictions/{id}"));
        Assert.Equal(human, logged.RootElement.GetProperty("feedback").GetProperty("label").GetString());

        // A refusal is one line and a non-zero exit; a missing required option is an argument error.
        var refused = await Server.RunAsync(fixture.AdminToken, "endpoints", "review", endpoint, predictions[1].Id, "--action", "override", "--outcome", "7", "--reason", "x");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("not one of the model's classes", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.InvalidArguments, (await Server.RunAsync(fixture.AdminToken, "endpoints", "review", endpoint, predictions[1].Id, "--action", "confirm")).ExitCode);
    }

    private static JsonElement Json(CliResult result) => JsonSerializer.Deserialize<JsonElement>(Succeeded(result).Stdout);

    private static string SharedFile(string name) =>
        Path.GetFullPath(Path.Combine(Ferry.Testing.RepositoryRoot.Find(), "..", "shared", "models", name));

    private static IEnumerable<IReadOnlyDictionary<string, object?>> TestRows()
    {
        var lines = File.ReadAllLines(SharedFile("test.csv"));
        var header = lines[0].Split(',');
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0 && !l.Contains(",,", StringComparison.Ordinal) && !l.EndsWith(',')))
        {
            var cells = line.Split(',');
            yield return header.Select((h, j) => (h, j)).ToDictionary(
                c => c.h,
                c => Categorical.Contains(c.h) ? (object?)cells[c.j] : float.Parse(cells[c.j], CultureInfo.InvariantCulture));
        }
    }
}
