using System.Text.Json;
using Ferry.Cli.Tests.Infrastructure;
using Ferry.Client;
using static Ferry.Cli.Tests.Infrastructure.CliAssert;

namespace Ferry.Cli.Tests;

/// <summary><c>ferry endpoints suspend|resume</c> against a real <c>ferry server</c> process.</summary>
[Collection(SharedServerDefinition.Name)]
public sealed class SuspendCommandTests(SharedServerFixture fixture)
{
    private FerryServerProcess Server => fixture.Server;

    [Fact]
    public async Task SuspendAndResume_RoundTrip_ShownByShowAndList_WithNamedExitCodes()
    {
        var model = Unique("cli-model");
        Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "register", Ferry.Testing.TestDataFiles.Find("linear.onnx"), "--name", model));
        var endpoint = Unique("cli-stop");
        Succeeded(await Server.RunAsync(fixture.AdminToken, "deploy", endpoint, "--model", model, "--version", "1"));
        using var client = new FerryClient(Server.Url, fixture.AdminToken);
        var approver = await client.Tokens.CreateAsync(Unique("approver"), "approver");
        var scientist = await client.Tokens.CreateAsync(Unique("scientist"), "scientist");

        CliAssert.FailedWithOneLine(await Server.RunAsync(scientist.Secret, "endpoints", "suspend", endpoint, "--reason", "bias"), ExitCodes.Unauthorized);
        CliAssert.FailedWithOneLine(await Server.RunAsync(approver.Secret, "endpoints", "suspend", endpoint, "--reason", "bias", "--fallback", "{not json"),
            ExitCodes.InvalidArguments, "--fallback");
        CliAssert.FailedWithOneLine(await Server.RunAsync(approver.Secret, "endpoints", "suspend", endpoint, "--reason", "bias", "--fallback", "[1]"),
            ExitCodes.InvalidArguments, "fallback");
        Assert.NotEqual(ExitCodes.Success, (await Server.RunAsync(approver.Secret, "endpoints", "suspend", endpoint)).ExitCode);

        var suspended = Json(await Server.RunAsync(approver.Secret, "endpoints", "suspend", endpoint, "--reason", "bias found in audit",
            "--fallback", """{"outcome":"refer","reason":"suspended","queue":"credit-review"}""", "--output", "json"));
        Assert.True(suspended.GetProperty("suspended").GetBoolean());
        Assert.Equal(approver.Token.Name, suspended.GetProperty("suspendedBy").GetString());
        Assert.Equal("credit-review", suspended.GetProperty("fallback").GetProperty("queue").GetString());
        CliAssert.FailedWithOneLine(await Server.RunAsync(approver.Secret, "endpoints", "suspend", endpoint, "--reason", "again"), ExitCodes.Failure, "already suspended");

        var shown = Succeeded(await Server.RunAsync(fixture.AdminToken, "endpoints", "show", endpoint)).Stdout;
        Assert.Contains($"SUSPENDED by {approver.Token.Name}", shown, StringComparison.Ordinal);
        Assert.Contains("bias found in audit", shown, StringComparison.Ordinal);
        var shownJson = Json(await Server.RunAsync(fixture.AdminToken, "endpoints", "show", endpoint, "--output", "json"));
        Assert.Equal("bias found in audit", shownJson.GetProperty("suspendReason").GetString());
        var listed = Json(await Server.RunAsync(fixture.AdminToken, "endpoints", "list", "--output", "json"));
        Assert.True(listed.GetProperty("endpoints").EnumerateArray().Single(e => e.GetProperty("name").GetString() == endpoint).GetProperty("suspended").GetBoolean());

        // The real server answers the fallback.
        using (var http = new HttpClient { BaseAddress = Server.Url })
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", fixture.AdminToken);
            using var response = await http.PostAsync($"/api/v1/endpoints/{endpoint}/invocations",
                new StringContent("{\"dataframe_split\": {\"data\": [[1, 2, 3, 4]]}}", System.Text.Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, text);
            Assert.Equal("credit-review", JsonDocument.Parse(text).RootElement.GetProperty("predictions")[0].GetProperty("queue").GetString());
        }

        Assert.Contains("answers again", Succeeded(await Server.RunAsync(approver.Secret, "endpoints", "resume", endpoint, "--reason", "fixed")).Stdout, StringComparison.Ordinal);
        CliAssert.FailedWithOneLine(await Server.RunAsync(approver.Secret, "endpoints", "resume", endpoint, "--reason", "again", "--output", "json"), ExitCodes.Failure, "not suspended");
        CliAssert.FailedWithOneLine(await Server.RunAsync(approver.Secret, "endpoints", "resume", Unique("cli-none"), "--reason", "r"), ExitCodes.NotFound);
        Assert.False(Json(await Server.RunAsync(fixture.AdminToken, "endpoints", "show", endpoint, "--output", "json")).GetProperty("suspended").GetBoolean());
    }

    private static JsonElement Json(CliResult result) => JsonSerializer.Deserialize<JsonElement>(Succeeded(result).Stdout);

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
}
