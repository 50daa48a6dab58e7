namespace Ferry.Cli.Tests.Infrastructure;

/// <summary>Assertions on how the CLI reports failures: a named exit code and one <c>error:</c> line on stderr.</summary>
internal static class CliAssert
{
    /// <summary>Asserts that the command exited with success, and returns its result to read on.</summary>
    public static CliResult Succeeded(CliResult result)
    {
        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        return result;
    }

    public static void FailedWithOneLine(CliResult result, int exitCode, params string[] mentions)
    {
        Assert.True(result.ExitCode == exitCode, $"expected exit {exitCode}; got {result}");
        var line = result.ErrorLine;
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        foreach (var mention in mentions)
        {
            Assert.Contains(mention, line, StringComparison.OrdinalIgnoreCase);
        }
    }
}
