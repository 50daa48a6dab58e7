using System.Text.Json;
using Ferry.Cli.Tests.Infrastructure;
using Ferry.Client;
using static Ferry.Cli.Tests.Infrastructure.CliAssert;

namespace Ferry.Cli.Tests;

/// <summary>
/// <c>ferry models policy</c>, <c>ferry gate</c> and <c>ferry promote</c> against a real <c>ferry server</c> process,
/// with a real credit model from ../shared/models: a failing gate exits 1, four eyes refuses the requester, a second
/// approver's approval moves champion, and a direct move of champion is then refused.
/// </summary>
[Collection(SharedServerDefinition.Name)]
public sealed class PromoteCommandTests(SharedServerFixture fixture)
{
    private static readonly string CreditModel = Path.GetFullPath(Path.Combine(Ferry.Testing.RepositoryRoot.Find(), "..", "shared", "models", "lr_pipeline.onnx"));

    private FerryServerProcess Server => fixture.Server;

    [Fact]
    public async Task PolicyGateAndPromote_MediumTierModel_GateExitCodesAndFourEyes()
    {
        var name = Unique("cli-credit");
        using var admin = new FerryClient(Server.Url, fixture.AdminToken);
        var alice = (await admin.Tokens.CreateAsync(Unique("alice"), "approver")).Secret;
        var bob = (await admin.Tokens.CreateAsync(Unique("bob"), "approver")).Secret;
        Succeeded(await Server.RunAsync(alice, "models", "register", CreditModel, "--name", name));

        // The shared server's default tier is low; this model is set to medium with a wider champion margin.
        Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "policy", "set", name, "--tier", "medium", "--champion-margin", "0.02"));
        var policy = JsonSerializer.Deserialize<JsonElement>(Succeeded(await Server.RunAsync(alice, "models", "policy", "show", name, "--output", "json")).Stdout);
        Assert.Equal("medium", policy.GetProperty("tier").GetString());
        Assert.Equal(1, policy.GetProperty("revision").GetInt32());
        Assert.Equal(0.02, policy.GetProperty("gates").GetProperty("championMargin").GetDouble());

        var failing = await Server.RunAsync(alice, "gate", name, "1");
        Assert.Equal(1, failing.ExitCode);
        Assert.Contains("model-card", failing.Stdout, StringComparison.Ordinal);
        Assert.Contains("FAILED", failing.Stdout, StringComparison.Ordinal);

        Succeeded(await Server.RunAsync(alice, "models", "card", name, "1", "--set", "owner=Credit risk", "--set", "intended-use=Default probability", "--set", "limitations=Synthetic data"));
        var passing = JsonSerializer.Deserialize<JsonElement>(Succeeded(await Server.RunAsync(alice, "gate", name, "1", "--against", "champion", "--output", "json")).Stdout);
        Assert.True(passing.GetProperty("passed").GetBoolean());

        var request = JsonSerializer.Deserialize<JsonElement>(Succeeded(await Server.RunAsync(alice,
            "promote", "request", name, "1", "--target", "champion", "--justification", "AUC 0.767 on the test rows", "--output", "json")).Stdout);
        var id = request.GetProperty("id").GetString()!;
        Assert.Equal("pending", request.GetProperty("state").GetString());

        FailedWithOneLine(await Server.RunAsync(alice, "promote", "approve", id), ExitCodes.Failure, "Four eyes");
        var pending = JsonSerializer.Deserialize<JsonElement>(Succeeded(await Server.RunAsync(bob, "promote", "list", "--state", "pending", "--model", name, "--output", "json")).Stdout);
        Assert.Equal(id, pending.GetProperty("promotions")[0].GetProperty("id").GetString());

        var approved = Succeeded(await Server.RunAsync(bob, "promote", "approve", id, "--comment", "evidence checked"));
        Assert.Contains("is approved", approved.Stdout, StringComparison.Ordinal);
        Assert.Equal("1", (await admin.Registry.GetByAliasAsync(name, "champion")).Version);

        FailedWithOneLine(await Server.RunAsync(bob, "models", "alias", "delete", name, "champion"), ExitCodes.Failure, "promotion");
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
}
