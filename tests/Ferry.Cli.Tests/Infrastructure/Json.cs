using System.Text.Json;
using Ferry.Client;

namespace Ferry.Cli.Tests.Infrastructure;

/// <summary>Reads the CLI's <c>--output json</c> the way a script would.</summary>
internal static class Json
{
    public static T Read<T>(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonSerializer.Deserialize<T>(result.Stdout, FerryJson.Options)
            ?? throw new InvalidOperationException("ferry printed JSON null");
    }
}
