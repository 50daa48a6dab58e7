using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using Ferry.Cli.Tests.Infrastructure;
using Ferry.Core.Contracts;

namespace Ferry.Cli.Tests;

[Collection(SharedServerDefinition.Name)]
public sealed partial class FirstStartTests(SharedServerFixture fixture)
{
    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void FirstStart_WritesAdminTokenFile_ReadableByItsOwnerOnly()
    {
        var file = fixture.Server.AdminTokenFile;
        Assert.True(File.Exists(file));
        Assert.StartsWith("fry_", fixture.AdminToken, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }

    [Fact]
    public void FirstStart_PrintsAdminTokenOnce_OnStdout()
    {
        var stdout = fixture.Server.Stdout;
        Assert.Single(Regex.Matches(stdout, Regex.Escape(fixture.AdminToken)));
        Assert.Single(SecretPattern().Matches(stdout));
        Assert.DoesNotContain(fixture.AdminToken, fixture.Server.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminToken_AuthenticatesExplicitly_AndFromTheDataDirectory()
    {
        var explicitToken = Json.Read<TokenList>(await fixture.Server.RunAsync(fixture.AdminToken, "tokens", "list", "--output", "json"));
        Assert.Contains(explicitToken.Tokens, t => t is { Name: "admin", Role: "admin" });

        // No --token: the CLI reads <data-dir>/admin.token.
        var fromFile = Json.Read<TokenList>(await FerryCli.RunAsync(
            "tokens", "list", "--output", "json", "--server", fixture.Server.Url.OriginalString, "--data-dir", fixture.Server.DataDirectory));
        Assert.Contains(fromFile.Tokens, t => t.Name == "admin");
    }

    [GeneratedRegex("fry_[A-Za-z0-9_-]{20,}")]
    private static partial Regex SecretPattern();
}
