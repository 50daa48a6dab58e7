using Ferry.Cli.Tests.Infrastructure;

namespace Ferry.Cli.Tests;

/// <summary>Failures that need no running server, each with its named exit code and a single error line.</summary>
public sealed class ErrorExitCodeTests
{
    [Fact]
    public async Task UnreachableServer_ExitsWithServerUnreachable()
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}";

        var result = await FerryCli.RunAsync("tokens", "list", "--server", url, "--token", "fry_not-a-real-token-0123456789");

        CliAssert.FailedWithOneLine(result, ExitCodes.ServerUnreachable, "cannot reach", url);
        Assert.DoesNotContain("fry_not-a-real-token", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_RefusesDatabaseSetting_ThatIsNotAConnectionString()
    {
        using var dataDirectory = new TempDirectory("baddb");

        var result = await FerryCli.RunAsync("server", "--database", "nonsense", "--data-dir", dataDirectory.Path, "--port", "0");

        CliAssert.FailedWithOneLine(result, ExitCodes.InvalidArguments, "--database");
    }

    [Fact]
    public async Task DatabaseSetting_IsAlsoRead_FromFerryDatabaseVariable()
    {
        using var dataDirectory = new TempDirectory("envdb");

        var result = await FerryCli.RunAsync(["server", "--data-dir", dataDirectory.Path, "--port", "0"],
            new Dictionary<string, string> { ["FERRY_DATABASE"] = "Mode=Memory" });

        CliAssert.FailedWithOneLine(result, ExitCodes.InvalidArguments, "--database");
    }

    [Theory]
    [InlineData("tokens", "create", "--name", "x", "--role", "wizard")]
    [InlineData("tokens", "create", "--role", "viewer")]
    [InlineData("tokens", "revoke", "not-a-guid")]
    [InlineData("audit", "list", "--output", "yaml")]
    [InlineData("tokens")]
    [InlineData("no-such-verb")]
    public async Task InvalidCommandLines_ExitWithInvalidArguments(params string[] args)
    {
        var result = await FerryCli.RunAsync(args);

        Assert.True(result.ExitCode == ExitCodes.InvalidArguments, result.ToString());
        Assert.All(result.Stderr.TrimEnd().Split('\n'), line => Assert.StartsWith("error: ", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutAnyToken_CliSaysWhereItLooked_AndExitsUnauthorized()
    {
        using var dataDirectory = new TempDirectory("notoken");

        var result = await FerryCli.RunAsync("tokens", "list", "--server", "http://127.0.0.1:1", "--data-dir", dataDirectory.Path);

        CliAssert.FailedWithOneLine(result, ExitCodes.Unauthorized, "no token", "admin.token");
    }

    [Fact]
    public async Task OfflineVerificationWithoutDatabase_ExitsNotFound()
    {
        using var dataDirectory = new TempDirectory("nodb");

        var result = await FerryCli.RunAsync("audit", "verify", "--offline", "--data-dir", dataDirectory.Path);

        CliAssert.FailedWithOneLine(result, ExitCodes.NotFound, "no Ferry database");
        Assert.False(File.Exists(dataDirectory.Combine("ferry.db")));
    }

    [Fact]
    public async Task Help_Succeeds()
    {
        var result = await FerryCli.RunAsync("--help");

        CliAssert.Succeeded(result);
        Assert.Contains("server", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("tokens", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("audit", result.Stdout, StringComparison.Ordinal);
    }
}
