using System.CommandLine;
using System.CommandLine.Invocation;
using Ferry.Cli.Output;

namespace Ferry.Cli;

/// <summary>Parses and invokes the command line; parse errors become one <c>error:</c> line and exit code 2.</summary>
internal static class CliRunner
{
    public static async Task<int> RunAsync(RootCommand root, string[] args)
    {
        var parseResult = root.Parse(args);
        if (parseResult.Action is ParseErrorAction)
        {
            foreach (var error in parseResult.Errors)
            {
                CliConsole.Error($"{error.Message} (see 'ferry --help')");
            }

            return ExitCodes.InvalidArguments;
        }

        // Termination signals are left to each command: the server's host shuts down gracefully on SIGINT/SIGTERM,
        // and the short client verbs are simply ended.
        return await parseResult.InvokeAsync(new InvocationConfiguration
        {
            ProcessTerminationTimeout = null,
            EnableDefaultExceptionHandler = false,
        });
    }
}
