using System.Globalization;
using System.Text;
using Ferry.Cli.Tests.Infrastructure;

namespace Ferry.Cli.Tests;

/// <summary><c>ferry models reference</c> with training files that hold more than the features, and the job in <c>ferry models show</c>.</summary>
[Collection(SharedServerDefinition.Name)]
public sealed class ReferenceCommandTests(SharedServerFixture fixture)
{
    private FerryServerProcess Server => fixture.Server;

    [Fact]
    public async Task Reference_ExtraColumns_RefusedNamingThem_AndLeftOutWithIgnore()
    {
        using var files = new TempDirectory("reference");
        var model = $"cli-ref-{Guid.NewGuid():N}"[..20];
        CliAssert.Succeeded(await Server.RunAsync(fixture.AdminToken, "models", "register", Ferry.Testing.TestDataFiles.Find("credit_pipeline.onnx"), "--name", model));
        var train = files.Combine("train.csv");
        var csv = new StringBuilder("customer_id,age,income,open_accounts,purpose,outcome,loss\n");
        var random = new Random(7);
        for (var i = 0; i < 200; i++)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"c{i},{random.Next(21, 70)},{random.Next(8_000, 120_000)},{random.Next(0, 13)},{(i % 2 == 0 ? "car" : "home")},{(i % 3 == 0 ? "bad" : "good")},{i * 1.5}\n");
        }

        File.WriteAllText(train, csv.ToString());
        var before = await Server.RunAsync(fixture.AdminToken, "models", "show", model, "--version", "1");
        CliAssert.Succeeded(before);
        Assert.DoesNotContain("built from", before.Stdout, StringComparison.Ordinal);

        var refused = await Server.RunAsync(fixture.AdminToken, "models", "reference", model, "1", train, "--label", "outcome");
        Assert.NotEqual(ExitCodes.Success, refused.ExitCode);
        Assert.Contains("customer_id", refused.Stderr + refused.Stdout, StringComparison.Ordinal);

        CliAssert.FailedWithOneLine(await Server.RunAsync(fixture.AdminToken, "models", "reference", model, "1", train, "--ignore", "nope"),
            ExitCodes.InvalidArguments, "--ignore: train.csv has no column 'nope'");

        var reference = await Server.RunAsync(fixture.AdminToken, "models", "reference", model, "1", train, "--label", "outcome", "--ignore", "customer_id,loss");
        CliAssert.Succeeded(reference);
        Assert.Contains("200 rows", reference.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("customer_id", reference.Stdout, StringComparison.Ordinal);

        // models show names the version's reference job: built, from how many rows.
        var shown = await Server.RunAsync(fixture.AdminToken, "models", "show", model, "--version", "1");
        CliAssert.Succeeded(shown);
        Assert.Contains("built from 200 rows", shown.Stdout, StringComparison.Ordinal);
    }
}
