namespace Ferry.Cli;

/// <summary>A failure the CLI reports as one line on stderr with <see cref="ExitCode"/>; never a stack trace.</summary>
internal sealed class CliException : Exception
{
    public CliException()
        : this(ExitCodes.Failure, "the command failed")
    {
    }

    public CliException(string message)
        : this(ExitCodes.Failure, message)
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
        ExitCode = ExitCodes.Failure;
    }

    public CliException(int exitCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ExitCode = exitCode;
    }

    /// <summary>The process exit code, one of <see cref="ExitCodes"/>.</summary>
    public int ExitCode { get; }
}
