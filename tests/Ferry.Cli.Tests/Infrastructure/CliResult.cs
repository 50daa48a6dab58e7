namespace Ferry.Cli.Tests.Infrastructure;

/// <summary>What one run of <c>ferry</c> did.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The stderr text without its final newline.</summary>
    public string ErrorLine => Stderr.TrimEnd('\r', '\n');

    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}
