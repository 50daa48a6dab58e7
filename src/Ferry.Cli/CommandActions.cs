using System.CommandLine;
using Ferry.Cli.Output;

namespace Ferry.Cli;

/// <summary>Wraps a command's action so every failure ends as one <c>error:</c> line and a named exit code.</summary>
internal static class CommandActions
{
    public static void SetGuardedAction(this Command command, Func<ParseResult, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            try
            {
                return await action(parseResult, cancellationToken);
            }
            catch (CliException e)
            {
                CliConsole.Error(e.Message);
                return e.ExitCode;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                CliConsole.Error("cancelled");
                return ExitCodes.Failure;
            }
#pragma warning disable CA1031 // The CLI's last line of defence: report the message, never a stack trace.
            catch (Exception e)
#pragma warning restore CA1031
            {
                CliConsole.Error(e.Message);
                return ExitCodes.Failure;
            }
        });
}
