using System.Text.Json;
using Ferry.Cli.Tests.Infrastructure;
using Ferry.Client;
using static Ferry.Cli.Tests.Infrastructure.CliAssert;

namespace Ferry.Cli.Tests;

/// <summary><c>ferry deploy</c> and <c>ferry endpoints list|show|rollback|delete</c> against a real <c>ferry server</c> process.</summary>
[Collection(SharedServerDefinition.Name)]
public sealed class DeployCommandTests(SharedServerFixture fixture)
{
    private FerryServerProcess Server => fixture.Server;

    [Fact]
    public async Task DeployWithCanaryAndShadow_ThenListShowAndRollback()
    {
        var model = await RegisterAsync("linear.onnx", "linear.onnx", "linear.onnx");
        var endpoint = Unique("cli-ep");

        var first = Json(await Server.RunAsync(fixture.AdminToken, "deploy", endpoint, "--model", model, "--version", "1", "--output", "json"));
        Assert.Equal(1, first.GetProperty("activeRevision").GetInt32());

        var second = Json(await Server.RunAsync(fixture.AdminToken,
            "deploy", endpoint, "--model", model, "--version", "1", "--canary", "2", "--weight", "10", "--shadow", "3", "--output", "json"));
        Assert.Equal(2, second.GetProperty("activeRevision").GetInt32());
        Assert.Equal([(1, 90, "weighted"), (2, 10, "weighted"), (3, 0, "shadow")], second.GetProperty("routes").EnumerateArray()
            .Select(r => (r.GetProperty("resolvedVersion").GetInt32(), r.GetProperty("weight").GetInt32(), r.GetProperty("role").GetString())));

        var list = Json(await Server.RunAsync(fixture.AdminToken, "endpoints", "list", "--output", "json"));
        Assert.Contains(list.GetProperty("endpoints").EnumerateArray(), e => e.GetProperty("name").GetString() == endpoint);
        Assert.Contains(endpoint, Succeeded(await Server.RunAsync(fixture.AdminToken, "endpoints", "list")).Stdout, StringComparison.Ordinal);

        var table = Succeeded(await Server.RunAsync(fixture.AdminToken, "endpoints", "show", endpoint)).Stdout;
        Assert.Contains("revision 2 active", table, StringComparison.Ordinal);
        Assert.Contains("shadow", table, StringComparison.Ordinal);

        var rolled = Json(await Server.RunAsync(fixture.AdminToken, "endpoints", "rollback", endpoint, "--output", "json"));
        Assert.Equal(3, rolled.GetProperty("activeRevision").GetInt32());
        Assert.Equal(1, rolled.GetProperty("routes").GetArrayLength());

        var shown = Json(await Server.RunAsync(fixture.AdminToken, "endpoints", "show", endpoint, "--output", "json"));
        Assert.Equal(3, shown.GetProperty("history").GetArrayLength());

        Assert.Contains("Deleted", Succeeded(await Server.RunAsync(fixture.AdminToken, "endpoints", "delete", endpoint)).Stdout, StringComparison.Ordinal);
        CliAssert.FailedWithOneLine(await Server.RunAsync(fixture.AdminToken, "endpoints", "show", endpoint), ExitCodes.NotFound);
    }

    [Fact]
    public async Task Durability_SetByDeployAndEndpoints_ShownInListAndShow()
    {
        var model = await RegisterAsync("linear.onnx");
        var endpoint = Unique("cli-durable");

        var deployed = Json(await Server.RunAsync(fixture.AdminToken, "deploy", endpoint, "--model", model, "--version", "1", "--output", "json"));
        Assert.Equal("buffered", deployed.GetProperty("durability").GetString());
        var durable = Json(await Server.RunAsync(fixture.AdminToken, "deploy", endpoint, "--model", model, "--version", "1", "--durability", "durable", "--output", "json"));
        Assert.Equal("durable", durable.GetProperty("durability").GetString());
        Assert.Contains("durable prediction log", Succeeded(await Server.RunAsync(fixture.AdminToken, "endpoints", "show", endpoint)).Stdout, StringComparison.Ordinal);

        Assert.Contains("is now buffered", Succeeded(await Server.RunAsync(fixture.AdminToken, "endpoints", "durability", endpoint, "buffered")).Stdout, StringComparison.Ordinal);
        var listed = Json(await Server.RunAsync(fixture.AdminToken, "endpoints", "list", "--output", "json"));
        Assert.Equal("buffered", listed.GetProperty("endpoints").EnumerateArray().Single(e => e.GetProperty("name").GetString() == endpoint).GetProperty("durability").GetString());

        Assert.Equal(ExitCodes.InvalidArguments, (await Server.RunAsync(fixture.AdminToken, "endpoints", "durability", endpoint, "eventually")).ExitCode);
        Assert.Equal(ExitCodes.InvalidArguments, (await Server.RunAsync(fixture.AdminToken, "deploy", endpoint, "--model", model, "--version", "1", "--durability", "sometimes")).ExitCode);
    }

    [Fact]
    public async Task InvocationsOutput_SetByDeploy_ShownByShowAndServedByInvocations()
    {
        var model = await RegisterAsync("linear.onnx");
        var endpoint = Unique("cli-proba");

        var deployed = Json(await Server.RunAsync(fixture.AdminToken, "deploy", endpoint, "--model", model, "--version", "1", "--output", "json"));
        Assert.Equal("predict", deployed.GetProperty("invocationsOutput").GetString());
        var text = Succeeded(await Server.RunAsync(fixture.AdminToken, "deploy", endpoint, "--model", model, "--version", "1", "--invocations-output", "outputs")).Stdout;
        Assert.Contains("/invocations answers outputs", text, StringComparison.Ordinal);
        Assert.Contains("/invocations answers outputs", Succeeded(await Server.RunAsync(fixture.AdminToken, "endpoints", "show", endpoint)).Stdout, StringComparison.Ordinal);
        var shown = Json(await Server.RunAsync(fixture.AdminToken, "endpoints", "show", endpoint, "--output", "json"));
        Assert.Equal("outputs", shown.GetProperty("invocationsOutput").GetString());

        // Every named output of linear.onnx (logit, probability), one object per row, over the real server.
        using var client = new HttpClient { BaseAddress = Server.Url };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", fixture.AdminToken);
        using var response = await client.PostAsync($"/api/v1/endpoints/{endpoint}/invocations",
            new StringContent("{\"dataframe_split\": {\"data\": [[1, 2, 3, 4]]}}", System.Text.Encoding.UTF8, "application/json"));
        var row = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("predictions")[0];
        Assert.Equal(["logit", "probability"], row.EnumerateObject().Select(p => p.Name));

        Assert.Equal(ExitCodes.InvalidArguments, (await Server.RunAsync(fixture.AdminToken, "deploy", endpoint, "--model", model, "--version", "1", "--invocations-output", "labels")).ExitCode);
    }

    [Fact]
    public async Task Deploy_FollowsAnAlias()
    {
        var model = await RegisterAsync("linear.onnx", "linear.onnx");
        Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "alias", "set", model, "1", "champion"));
        var endpoint = Unique("cli-alias");

        var deployed = Json(await Server.RunAsync(fixture.AdminToken, "deploy", endpoint, "--model", model, "--alias", "champion", "--output", "json"));
        Assert.Equal(1, deployed.GetProperty("routes")[0].GetProperty("resolvedVersion").GetInt32());

        Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "alias", "set", model, "2", "champion"));
        var shown = Json(await Server.RunAsync(fixture.AdminToken, "endpoints", "show", endpoint, "--output", "json"));
        Assert.Equal(2, shown.GetProperty("routes")[0].GetProperty("resolvedVersion").GetInt32());
        Assert.Equal(1, shown.GetProperty("activeRevision").GetInt32());
        var listed = Succeeded(await Server.RunAsync(fixture.AdminToken, "endpoints", "list")).Stdout;
        Assert.Contains($"{model}@champion → 2", listed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refusals_AreOneLine_WithNamedExitCodes()
    {
        var model = await RegisterAsync("linear.onnx", "mixed_types.onnx");
        var endpoint = Unique("cli-refuse");
        Succeeded(await Server.RunAsync(fixture.AdminToken, "deploy", endpoint, "--model", model, "--version", "1"));

        CliAssert.FailedWithOneLine(await Server.RunAsync(fixture.AdminToken, "deploy", endpoint, "--model", model, "--version", "2"),
            ExitCodes.InvalidArguments, "incompatible", "'x'");
        Assert.Contains("revision 2", Succeeded(await Server.RunAsync(fixture.AdminToken, "deploy", endpoint, "--model", model, "--version", "2", "--force")).Stdout,
            StringComparison.Ordinal);

        CliAssert.FailedWithOneLine(await Server.RunAsync(fixture.AdminToken, "deploy", endpoint, "--model", model, "--version", "1", "--alias", "champion"),
            ExitCodes.InvalidArguments, "--alias");
        CliAssert.FailedWithOneLine(await Server.RunAsync(fixture.AdminToken, "deploy", endpoint, "--model", model, "--version", "1", "--weight", "5"),
            ExitCodes.InvalidArguments, "--canary");
        CliAssert.FailedWithOneLine(await Server.RunAsync(fixture.AdminToken, "deploy", endpoint, "--model", model, "--version", "9"),
            ExitCodes.InvalidArguments, "no version 9");
        CliAssert.FailedWithOneLine(await Server.RunAsync(fixture.AdminToken, "deploy", "Not_Valid", "--model", model, "--version", "1"),
            ExitCodes.InvalidArguments, "endpoint name");
        CliAssert.FailedWithOneLine(await Server.RunAsync(fixture.AdminToken, "endpoints", "rollback", Unique("cli-none")), ExitCodes.NotFound);

        using var client = new FerryClient(Server.Url, fixture.AdminToken);
        var viewer = await client.Tokens.CreateAsync(Unique("viewer"), "viewer");
        CliAssert.FailedWithOneLine(await Server.RunAsync(viewer.Secret, "deploy", endpoint, "--model", model, "--version", "1"), ExitCodes.Unauthorized);
    }

    private async Task<string> RegisterAsync(params string[] files)
    {
        var model = Unique("cli-model");
        foreach (var file in files)
        {
            Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "register", Ferry.Testing.TestDataFiles.Find(file), "--name", model));
        }

        return model;
    }

    private static JsonElement Json(CliResult result) => JsonSerializer.Deserialize<JsonElement>(Succeeded(result).Stdout);

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
}
