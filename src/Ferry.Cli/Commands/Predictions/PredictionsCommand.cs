using System.CommandLine;

namespace Ferry.Cli.Commands.Predictions;

/// <summary><c>ferry predictions</c>: the prediction log, read back for analysts.</summary>
/// <remarks>
/// The group takes <c>--server</c>, <c>--token</c> and <c>--data-dir</c> but not the shared <c>--output table|json</c>:
/// <c>export</c>'s <c>--output</c> names the file it writes, and <c>--format</c> picks how its summary is printed.
/// </remarks>
internal sealed class PredictionsCommand : Command
{
    public PredictionsCommand()
        : base("predictions", "Read an endpoint's prediction log back: export a window to Parquet for analysts.")
    {
        var client = new ClientOptions();
        Options.Add(client.Server);
        Options.Add(client.Token);
        Options.Add(client.DataDirectory);
        Subcommands.Add(new ExportPredictionsCommand(client));
    }
}
